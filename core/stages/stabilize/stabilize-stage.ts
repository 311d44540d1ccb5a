/**
 * `--stabilize[=strength]` (issue 5): analyse the clip's camera motion on a small luma copy
 * (cached by content hash), plan an L1-optimal smooth path within the allowed crop, then warp every
 * full-size frame by its correction. Frame count, timestamps and size are unchanged, so audio sync
 * is untouched.
 */
import { ClearcutError } from '../../common/errors.js';
import type { StageContext, VideoStage } from '../../pipeline/stage.js';
import type { FrameStream, VideoFrame } from '../../media/video-frame.js';
import { frameByteSize } from '../../media/pixel-formats.js';
import { analyzeClipMotion, type ClipMotion } from './motion-cache.js';
import { planCameraPath, safeZoom, type BorderMode, type PathWeights } from './path.js';
import { isIdentity, type Similarity } from './similarity.js';
import { canWarp, warpFrame } from './warp.js';

export interface StabilizeOptions {
  /** 0..1: smoothness and allowed crop. 0 leaves frames untouched. */
  strength: number;
  /** 'crop' (default): zoom so no empty border ever shows; 'black': keep the size, show borders. */
  border?: BorderMode;
  /** Lock the camera (tripod shot). */
  tripod?: boolean;
  /** Motion cache folder (default motion-cache.ts motionCacheDir()). */
  cacheDir?: string;
  useCache?: boolean;
  /** Override parts of the path tuning (experiments, benchmarks). */
  weights?: Partial<PathWeights>;
}

export interface StabilizeStage extends VideoStage {
  /** After analyze(): the measured motion and the per-frame warps (for tests and benchmarks). */
  readonly result?: { motion: ClipMotion; warps: Similarity[] };
}

export function createStabilizeStage(opts: StabilizeOptions): StabilizeStage {
  const border = opts.border ?? 'crop';
  let result: { motion: ClipMotion; warps: Similarity[] } | undefined;

  async function analyze(ctx: StageContext): Promise<void> {
    const video = ctx.media.video!;
    const motion = await analyzeClipMotion(ctx.media, { signal: ctx.signal, report: ctx.report, cacheDir: opts.cacheDir, useCache: opts.useCache });
    const unreliable = motion.frames.filter((f, i) => i > 0 && !f.reliable).length;
    if (unreliable > motion.frames.length / 3) ctx.warn(`Camera motion could not be measured on ${unreliable} of ${motion.frames.length} frames (flat, black or cut); those frames are not stabilized.`);
    const aspect = video.height / video.width;
    const fps = video.avgFrameRate.num > 0 ? video.avgFrameRate.num / video.avgFrameRate.den : 30;
    let warps = await planCameraPath(motion.frames, { strength: opts.strength, width: video.width, height: video.height, fps, tripod: opts.tripod, border, weights: opts.weights });
    if (border === 'crop') {
      warps = safeZoom(warps, aspect, Math.max(2, fps / 3));
    }
    result = { motion, warps };
  }

  function transform(input: FrameStream, ctx: StageContext): FrameStream {
    const { info } = input;
    if (!canWarp(info.format)) throw new ClearcutError('UNSUPPORTED_PIXEL_FORMAT', `Stabilization cannot render frames in ${info.format.name}.`, { file: ctx.media.file });
    const size = frameByteSize(info.format, info.width, info.height);
    const fullRange = ctx.media.video?.color?.range === 'pc';
    const pool: Buffer[] = [];
    async function* frames(): AsyncGenerator<VideoFrame> {
      const warps = result?.warps ?? [];
      for await (const frame of input.frames) {
        const warp = warps[Math.min(frame.index, warps.length - 1)];
        if (!warp || isIdentity(warp, 1e-7)) {
          yield frame;
          continue;
        }
        const out = pool.pop() ?? Buffer.allocUnsafe(size);
        warpFrame(frame.data, out, info.format, info.width, info.height, warp, { border, fullRange });
        frame.release?.();
        let released = false;
        yield {
          data: out,
          pts: frame.pts,
          index: frame.index,
          release: () => {
            if (released) return;
            released = true;
            if (pool.length < 6) pool.push(out);
          },
        };
      }
    }
    return { info, frames: frames() };
  }

  return {
    id: 'stabilize',
    kind: 'video',
    weight: 2,
    progressUnit: 'frames',
    analyze,
    transform,
    get result() {
      return result;
    },
  };
}
