/**
 * Decode a video stream to raw frames, as a pull-based async stream with backpressure: ffmpeg is
 * only read as fast as the consumer takes frames, so a 2-hour file needs the memory of a few frames.
 *
 * Timestamps: raw video carries none, so a 2x2 crop of each decoded frame goes through `showinfo`
 * into a null output of the same ffmpeg process; its log line gives the exact pts of every frame
 * in the stream's own time base, in order. This keeps variable frame rate timing exact.
 *
 * Interlaced video is deinterlaced on the way in (bwdif, one frame per frame, so timing is
 * unchanged): every stage warps, scales or compares pictures, and would tear two fields apart.
 */
import { MediaError } from '../common/errors.js';
import { ffmpegBinary, ffmpegFeatures } from './ffmpeg-binaries.js';
import { spawnMedia } from './ffmpeg-process.js';
import { DEINTERLACE_FILTER } from './interlace.js';
import { isInterlaced, type MediaInfo } from './media-info.js';
import { frameByteSize, workingFormatFor, type RawFormat } from './pixel-formats.js';
import type { FrameStream, FrameStreamInfo, VideoFrame } from './video-frame.js';

export interface FrameReaderOptions {
  /** Raw format to decode into; defaults to the working format for the source's pixel format. */
  format?: RawFormat;
  /** Decode at this size instead of the native one (analysis passes use a small copy). */
  scale?: { width: number; height: number };
  signal?: AbortSignal;
}

/** Lines that mean the input itself is damaged (not muxer chatter from the timestamp branch). */
const DECODE_TROUBLE = /error while decoding|invalid nal|partial file|corrupt|truncat|moov atom|end of file|missing picture|concealing/i;
const SHOWINFO = /\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:/;

/** Parse one ffmpeg showinfo log line into [frame number, pts], or undefined. */
export function parseShowinfoLine(line: string): [number, number] | undefined {
  const m = SHOWINFO.exec(line);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export async function readVideoFrames(media: MediaInfo, opts: FrameReaderOptions = {}): Promise<FrameStream> {
  const video = media.video;
  if (!video) throw new MediaError('NO_VIDEO_STREAM', `${media.file} has no video stream.`, { file: media.file });
  const format = opts.format ?? workingFormatFor(video.pixelFormat);
  const width = opts.scale?.width ?? video.width;
  const height = opts.scale?.height ?? video.height;
  const features = await ffmpegFeatures();
  const scale = opts.scale ? `scale=${width}:${height}:flags=area,` : '';
  const tb = video.timeBase.den > 0 ? video.timeBase : { num: 1, den: 90000 };
  // bwdif halves the time base (its pts count fields); settb puts the stream's own back.
  const deinterlace = isInterlaced(video) ? `${DEINTERLACE_FILTER},settb=${tb.num}/${tb.den},` : '';
  const graph = `[0:${video.index}]${deinterlace}${scale}format=${format.name},split=2[frames][stamp];[stamp]crop=2:2:0:0,showinfo[stamped]`;
  const passthrough = features.major >= 5 ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    '-noautorotate',
    '-i', media.file,
    '-filter_complex', graph,
    '-map', '[frames]', ...passthrough, '-f', 'rawvideo', 'pipe:1',
    '-map', '[stamped]', '-f', 'null', '-',
  ];

  const ptsQueue: number[] = [];
  let wakeStamp: (() => void) | undefined;
  const errors: string[] = [];
  const proc = spawnMedia(ffmpegBinary().path, args, {
    signal: opts.signal,
    stdio: ['ignore', 'pipe', 'pipe'],
    holdStdout: true,
    onStderrLine: (line) => {
      const hit = parseShowinfoLine(line);
      if (hit) {
        ptsQueue.push(hit[1]);
        wakeStamp?.();
      } else if (DECODE_TROUBLE.test(line)) errors.push(line);
    },
  });
  let exited = false;
  const exit = proc.done.then((r) => {
    exited = true;
    wakeStamp?.();
    return r;
  });

  const rate = video.avgFrameRate.num > 0 ? video.avgFrameRate : video.frameRate;
  const frameDuration = rate.num > 0 ? Math.max(1, Math.round((rate.den * tb.den) / (rate.num * tb.num))) : 1;
  const info: FrameStreamInfo = {
    width,
    height,
    format,
    timeBase: tb,
    frameDuration,
    sampleAspectRatio: opts.scale ? undefined : video.sampleAspectRatio,
    expectedFrames: video.frameCount,
  };
  const frameSize = frameByteSize(format, width, height);

  async function nextPts(index: number, lastPts: number): Promise<number> {
    while (ptsQueue.length === 0 && !exited) await new Promise<void>((r) => (wakeStamp = r));
    wakeStamp = undefined;
    const pts = ptsQueue.shift();
    return pts ?? (index === 0 ? 0 : lastPts + frameDuration);
  }

  // Buffers come back through VideoFrame.release (see video-frame.ts); a handful circulate.
  const pool: Buffer[] = [];
  const take = (): Buffer => pool.pop() ?? Buffer.allocUnsafe(frameSize);
  const releaser = (b: Buffer): (() => void) => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (pool.length < 8) pool.push(b);
    };
  };

  async function* frames(): AsyncGenerator<VideoFrame> {
    let buf = take();
    let filled = 0;
    let index = 0;
    let lastPts = 0;
    try {
      for await (const chunk of proc.child.stdout as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          const n = Math.min(frameSize - filled, chunk.length - offset);
          chunk.copy(buf, filled, offset, offset + n);
          filled += n;
          offset += n;
          if (filled === frameSize) {
            lastPts = await nextPts(index, lastPts);
            yield { data: buf, pts: lastPts, index: index++, release: releaser(buf) };
            buf = take();
            filled = 0;
          }
        }
      }
      const result = await exit;
      if (result.cancelled) return;
      if (result.code !== 0) {
        throw new MediaError('CORRUPT_MEDIA', `${media.file} could not be decoded: ${result.stderrTail.filter((l) => !SHOWINFO.test(l)).slice(-3).join(' ')}`, { file: media.file });
      }
      // A file that stops well short of what its header promises was cut off.
      if (index === 0 || (video!.frameCount > 10 && index < video!.frameCount * 0.9 && errors.length > 0)) {
        throw new MediaError('CORRUPT_MEDIA', `${media.file} is truncated or damaged: decoded ${index} of ${video!.frameCount} frames (${errors.slice(-1)[0] ?? 'no frames'}).`, { file: media.file });
      }
    } finally {
      // Stopping early (consumer broke out, error downstream) must not leave ffmpeg running.
      if (!exited) proc.child.kill('SIGKILL');
    }
  }
  return { info, frames: frames() };
}
