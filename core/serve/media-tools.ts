/**
 * Pictures and sound for the UI: thumbnails, waveform peaks and H.264 excerpts. Every ffmpeg run
 * goes through core/media (runFluentJob, readPcm), the only place that starts ffmpeg.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { runFluentJob } from '../media/fluent-job.js';
import type { MediaInfo } from '../media/media-info.js';
import { readPcm } from '../media/pcm.js';

/** Size of the picture as shown (rotation applied), scaled to `width` with even sides. */
export function displaySize(media: MediaInfo, width: number): { width: number; height: number } | undefined {
  const v = media.video;
  if (!v || v.width <= 0 || v.height <= 0) return undefined;
  const turned = v.rotation === 90 || v.rotation === 270;
  const [w, h] = turned ? [v.height, v.width] : [v.width, v.height];
  const even = (x: number) => Math.max(2, Math.round(x / 2) * 2);
  return { width: even(width), height: even((width * h) / w) };
}

/**
 * `count` JPEG thumbnails at evenly spread times, as data: URLs. One short ffmpeg per picture
 * seeks straight to its time, so a 2-hour file costs the same as a 10-second one.
 */
export async function thumbnails(media: MediaInfo, count: number, opts: { width?: number; signal?: AbortSignal } = {}): Promise<string[]> {
  const size = displaySize(media, opts.width ?? 192);
  if (!size) return [];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'clearcut-thumbs-'));
  try {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const t = ((i + 0.5) * media.duration) / count;
      const file = path.join(dir, `${i}.rgb`);
      await runFluentJob({
        input: media.file,
        inputOptions: ['-ss', t.toFixed(3)],
        outputOptions: ['-map', `0:${media.video!.index}`, '-frames:v', '1', '-vf', `scale=${size.width}:${size.height}`, '-pix_fmt', 'rgb24', '-an'],
        output: file,
        format: 'rawvideo',
        signal: opts.signal,
        what: 'make a thumbnail',
      });
      const raw = await readFile(file).catch(() => Buffer.alloc(0));
      if (raw.length < size.width * size.height * 3) continue;
      const jpeg = await sharp(raw, { raw: { width: size.width, height: size.height, channels: 3 } }).jpeg({ quality: 72 }).toBuffer();
      out.push(`data:image/jpeg;base64,${jpeg.toString('base64')}`);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Peak level (0..1) of the first audio track in `buckets` equal slices of the clip, streamed. */
export async function waveformPeaks(media: MediaInfo, buckets: number, opts: { signal?: AbortSignal } = {}): Promise<number[]> {
  if (media.audio.length === 0 || media.duration <= 0) return [];
  const rate = 8000;
  const peaks = new Array<number>(buckets).fill(0);
  const perBucket = (media.duration * rate) / buckets;
  let n = 0;
  for await (const chunk of readPcm(media, { channels: 1, sampleRate: rate, signal: opts.signal })) {
    for (let i = 0; i < chunk.length; i++, n++) {
      const b = Math.min(buckets - 1, Math.floor(n / perBucket));
      const a = Math.abs(chunk[i]!);
      if (a > peaks[b]!) peaks[b] = a;
    }
  }
  return peaks.map((p) => Math.round(Math.min(1, p) * 1000) / 1000);
}

/**
 * Cut `duration` seconds from `start` into a browser-friendly file: H.264 (yuv420p, at most
 * 1280 wide, an even width as x264 needs, upright) + AAC in MP4, or AAC in M4A when the clip has no video.
 */
export async function cutExcerpt(media: MediaInfo, start: number, duration: number, output: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const video = media.video
    ? ['-map', `0:${media.video.index}`, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-vf', "scale=w='min(1280,trunc(iw/2)*2)':h=-2", '-metadata:s:v:0', 'rotate=0']
    : ['-vn'];
  const audio = media.audio.length ? ['-map', `0:${media.audio[0]!.index}`, '-c:a', 'aac', '-b:a', '192k'] : ['-an'];
  await runFluentJob({
    input: media.file,
    inputOptions: ['-ss', start.toFixed(3)],
    outputOptions: ['-t', duration.toFixed(3), ...video, ...audio, '-sn', '-dn', '-movflags', '+faststart'],
    output,
    format: media.video ? 'mp4' : 'ipod',
    signal: opts.signal,
    what: 'cut a preview excerpt',
  });
}
