/**
 * Seeded noise recipes for the video denoising benchmark and tests (issue 6), applied to 8-bit
 * planar RGB (gbrp) frames of a clean clip:
 *  - gaussian σ: independent N(0, σ²) per channel and pixel, in 8-bit units;
 *  - realistic: signal-dependent shot noise plus read noise (var = a·x + b, 60 % shot at mid
 *    grey), plus chroma blotches (Cb/Cr noise at half resolution), scaled so the total RMS is the
 *    given level; the benchmark then compresses it with x264 (compression after noise).
 * The same seed gives the same noise on every machine (xorshift128+ and Box–Muller, no Math.random).
 */
import { spawn } from 'node:child_process';
import { ffmpegBinary } from '../../core/media/ffmpeg-binaries.js';
import { readVideoFrames } from '../../core/media/frame-reader.js';
import { rawFormat } from '../../core/media/pixel-formats.js';
import { probeMedia } from '../../core/media/probe.js';

export type NoiseRecipe = { kind: 'gaussian'; sigma: number } | { kind: 'realistic'; level: number };

export const recipeLabel = (r: NoiseRecipe): string => (r.kind === 'gaussian' ? `Gaussian σ=${r.sigma}` : `realistic ${r.level} (shot+read+chroma, x264 after)`);

/** A seeded normal random source. */
export function gaussianSource(seed: number): () => number {
  let s0 = (seed * 2654435761) >>> 0 || 1;
  let s1 = (seed * 40503 + 12345) >>> 0 || 7;
  const next = (): number => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    s1 = x >>> 0;
    return ((s0 + s1) >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u = Math.max(next(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * next();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Add noise to one gbrp frame (G, B, R planes of width × height) in place. */
export function addNoise(frame: Buffer, width: number, height: number, recipe: NoiseRecipe, rand: () => number): void {
  const n = width * height;
  if (recipe.kind === 'gaussian') {
    for (let j = 0; j < 3 * n; j++) frame[j] = clamp8(frame[j] + recipe.sigma * rand());
    return;
  }
  // Shot + read noise per channel, then chroma blotches; scaled to the requested RMS.
  const level = recipe.level;
  const a = (0.6 * level * level) / 128;
  const b = 0.4 * level * level;
  const noise = new Float32Array(3 * n);
  for (let j = 0; j < 3 * n; j++) noise[j] = Math.sqrt(a * frame[j] + b) * rand();
  const hw = Math.ceil(width / 2);
  const cb = Float32Array.from({ length: hw * Math.ceil(height / 2) }, () => rand());
  const cr = Float32Array.from({ length: cb.length }, () => rand());
  const chroma = 0.5 * level;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (y >> 1) * hw + (x >> 1);
      const j = y * width + x;
      // BT.601 Cb/Cr directions in RGB: B and R move against G.
      noise[n + j] += chroma * 1.772 * cb[c];
      noise[2 * n + j] += chroma * 1.402 * cr[c];
      noise[j] -= chroma * (0.344 * cb[c] + 0.714 * cr[c]);
    }
  }
  let sq = 0;
  for (let j = 0; j < 3 * n; j++) sq += noise[j] * noise[j];
  const scale = level / Math.sqrt(sq / (3 * n));
  for (let j = 0; j < 3 * n; j++) frame[j] = clamp8(frame[j] + noise[j] * scale);
}

/**
 * Decode `clean` (first `frames` frames) to gbrp, add the recipe's noise with `seed`, and write a
 * lossless FFV1 gbrp Matroska file at the clip's frame rate.
 */
export async function writeNoisyClip(clean: string, out: string, recipe: NoiseRecipe, seed: number, frames = Infinity): Promise<void> {
  const media = await probeMedia(clean);
  const v = media.video!;
  const stream = await readVideoFrames(media, { format: rawFormat('gbrp') });
  const rate = v.avgFrameRate.num > 0 ? v.avgFrameRate : v.frameRate;
  const proc = spawn(ffmpegBinary().path, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'gbrp', '-s', `${v.width}x${v.height}`, '-framerate', `${rate.num}/${rate.den}`, '-i', 'pipe:0',
    '-c:v', 'ffv1', '-level', '3', '-pix_fmt', 'gbrp', '-f', 'matroska', out,
  ], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<void>((resolve, reject) => proc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed writing ${out}: ${err}`)))));
  const rand = gaussianSource(seed);
  let count = 0;
  for await (const f of stream.frames) {
    if (count++ >= frames) break;
    const copy = Buffer.from(f.data);
    f.release?.();
    addNoise(copy, v.width, v.height, recipe, rand);
    if (!proc.stdin.write(copy)) await new Promise((r) => proc.stdin.once('drain', r));
  }
  proc.stdin.end();
  await done;
}
