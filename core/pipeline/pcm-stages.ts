/** Runs the PCM audio stages of one track: decode -> stages -> lossless temp file for the mux. */
import type { MediaInfo } from '../media/media-info.js';
import { readPcm, writePcmFile } from '../media/pcm.js';
import type { OutputTarget } from './output-target.js';
import type { AudioPcmStage, StageContext } from './stage.js';

export async function runPcmStages(media: MediaInfo, streamIndex: number, stages: AudioPcmStage[], ctxFor: (id: string) => StageContext, target: OutputTarget): Promise<string> {
  const track = media.audio.find((a) => a.index === streamIndex)!;
  const format = stages[0].format?.(track) ?? { sampleRate: track.sampleRate, channels: track.channels };
  const ctx = ctxFor(stages[0].id);
  let chunks: AsyncIterable<Float32Array> = readPcm(media, { streamIndex, ...format, signal: ctx.signal });
  let seconds = 0;
  for (const s of stages) chunks = s.process(chunks, format, ctxFor(s.id));
  const file = target.tempPath('.wav');
  const total = track.duration || media.duration;
  async function* reporting(): AsyncGenerator<Float32Array> {
    for await (const c of chunks) {
      seconds += c.length / format.channels / format.sampleRate;
      ctx.report(Math.min(seconds, total), total);
      yield c;
    }
  }
  await writePcmFile(file, format, reporting(), { signal: ctx.signal });
  return file;
}
