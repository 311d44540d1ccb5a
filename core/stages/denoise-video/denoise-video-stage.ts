/**
 * `--denoise-video[=strength]` (issue 6): a small temporal network (models/clearcut-vdn.md) sees
 * frames t-2..t+2 and returns frame t without its sensor noise. Frames stream through a ring of five;
 * the first and last frames, and clips shorter than five, repeat the edge frame. The clip's noise
 * level is measured once before rendering (a few frames across the clip) so the whole clip is
 * treated alike, and the strength scales that level. Strength 0 passes frames through untouched.
 * Frame count, timestamps, size and pixel format are unchanged.
 */
import { ClearcutError, throwIfAborted } from '../../common/errors.js';
import { readVideoFrames } from '../../media/frame-reader.js';
import type { FrameStream, VideoFrame } from '../../media/video-frame.js';
import type { StageContext, VideoStage } from '../../pipeline/stage.js';
import { addRgbDelta, frameLayout, frameToRgb, unshuffledTarget } from './color.js';
import { createVideoDenoiser, WINDOW, type VideoDenoiser } from './denoiser.js';
import { clipNoise, estimateNoise } from './noise-level.js';

export interface DenoiseVideoOptions {
  /** 0..1; 0.5 uses the measured noise level as is, 1 treats the clip as 1.5× noisier, 0 is off. */
  strength: number;
  /** Skip the measurement and use this noise level (0..1 units, 20/255 for σ 20). */
  sigma?: number;
  /** A model file instead of the registry's. */
  modelFile?: string;
  maxTilePixels?: number;
}

/** The trained range of the network's noise input. */
export const MAX_SIGMA = 60 / 255;
/** Used when the clip gives nothing to measure (black, or all clipped). */
const FALLBACK_SIGMA = 5 / 255;
const SAMPLE_FRAMES = 5;

/** Strength → multiplier of the measured level: 0 → 0, 0.5 → 1, 1 → 1.5. */
export function strengthScale(strength: number): number {
  const s = Math.min(1, Math.max(0, strength));
  return s <= 0.5 ? 2 * s : 0.5 + s;
}

export interface DenoiseVideoStage extends VideoStage {
  /** After analyze(): the measured level and the one the model is given (0..1 units). */
  readonly noise?: { measured?: number; used: number };
}

export function createDenoiseVideoStage(opts: DenoiseVideoOptions): DenoiseVideoStage {
  let noise: { measured?: number; used: number } | undefined;

  async function measure(ctx: StageContext): Promise<number | undefined> {
    const video = ctx.media.video!;
    const duration = ctx.media.duration > 0 ? ctx.media.duration : video.frameCount / 30;
    const count = Math.max(1, Math.min(SAMPLE_FRAMES, video.frameCount || SAMPLE_FRAMES));
    const estimates: Array<number | undefined> = [];
    for (let i = 0; i < count; i++) {
      throwIfAborted(ctx.signal);
      const start = count === 1 ? 0 : (duration * (i + 0.5)) / count;
      const stream = await readVideoFrames(ctx.media, { start, signal: ctx.signal });
      const layout = frameLayout(stream.info.format, stream.info.width, stream.info.height, video.color);
      for await (const frame of stream.frames) {
        estimates.push(estimateNoise(frameToRgb(frame.data, layout), layout.width, layout.height));
        break;
      }
      ctx.report(i + 1, count);
    }
    return clipNoise(estimates);
  }

  async function analyze(ctx: StageContext): Promise<void> {
    if (opts.strength <= 0) return;
    const scale = strengthScale(opts.strength);
    if (opts.sigma !== undefined) {
      noise = { used: Math.min(MAX_SIGMA, opts.sigma * scale) };
      return;
    }
    const measured = await measure(ctx);
    if (measured === undefined) ctx.warn(`Could not measure the noise in ${ctx.media.file} (too dark, flat or clipped); denoising at a light default level.`);
    const level = (measured ?? FALLBACK_SIGMA) * scale;
    if (level > MAX_SIGMA) ctx.warn(`The noise in ${ctx.media.file} is heavier than the denoiser was trained for; it is treated as σ = ${Math.round(MAX_SIGMA * 255)}.`);
    noise = { measured, used: Math.min(MAX_SIGMA, level) };
  }

  function transform(input: FrameStream, ctx: StageContext): FrameStream {
    if (opts.strength <= 0) return input;
    const { info } = input;
    let layout: ReturnType<typeof frameLayout>;
    try {
      layout = frameLayout(info.format, info.width, info.height, ctx.media.video?.color);
    } catch (e) {
      throw new ClearcutError('UNSUPPORTED_PIXEL_FORMAT', (e as Error).message, { file: ctx.media.file });
    }
    const n = 3 * info.width * info.height;
    const target = unshuffledTarget(info.width, info.height);

    async function* frames(): AsyncGenerator<VideoFrame> {
      const sigma = noise?.used ?? FALLBACK_SIGMA * strengthScale(opts.strength);
      const denoiser: VideoDenoiser = await createVideoDenoiser({ device: ctx.device, modelFile: opts.modelFile, maxTilePixels: opts.maxTilePixels });
      if (denoiser.warning) ctx.warn(denoiser.warning);
      const delta = new Float32Array(n);
      const spare: Float32Array[] = [];
      // ring[k] holds frame (first + k): its RGB copy, and the frame itself until it is emitted.
      const ring: Array<{ frame: VideoFrame; rgb: Float32Array }> = [];
      let first = 0;
      let emitted = 0;
      let total = 0;

      async function emit(t: number): Promise<VideoFrame> {
        throwIfAborted(ctx.signal);
        const at = (i: number): Float32Array => ring[Math.min(Math.max(i, 0), total - 1) - first].rgb;
        const window = Array.from({ length: WINDOW }, (_, k) => at(t + k - (WINDOW >> 1)));
        await denoiser.run(window, info.width, info.height, sigma, delta);
        const { frame } = ring[t - first];
        addRgbDelta(frame.data, layout, delta);
        // Frames older than t-1 are no longer anyone's neighbour.
        while (first < t - 1) {
          spare.push(ring.shift()!.rgb);
          first++;
        }
        ctx.report(++emitted, Math.max(info.expectedFrames, emitted));
        return frame;
      }

      try {
        for await (const frame of input.frames) {
          ring.push({ frame, rgb: frameToRgb(frame.data, layout, target, spare.pop()) });
          total++;
          const ready = total - 1 - (WINDOW >> 1);
          if (ready >= emitted) yield await emit(ready);
        }
        while (emitted < total) yield await emit(emitted);
      } finally {
        await denoiser.release();
      }
    }
    return { info, frames: frames() };
  }

  return {
    id: 'denoise-video',
    kind: 'video',
    weight: 4,
    progressUnit: 'frames',
    analyze,
    transform,
    get noise() {
      return noise;
    },
  };
}
