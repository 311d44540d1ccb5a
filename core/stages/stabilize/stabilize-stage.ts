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
import { cameraChain, planCameraPath, prepareSolver, safeZoom, type BorderMode, type PathWeights } from './path.js';
import { compose, cornerShift, IDENTITY, invert, isIdentity, type Similarity } from './similarity.js';
import { sways } from './sway.js';
import { canWarp, warpFrame } from './warp.js';

export interface StabilizeOptions {
  /** 0..1: smoothness and allowed crop. 0 leaves frames untouched. */
  strength: number;
  /**
   * 'crop' (default): zoom so no empty border ever shows; 'black': keep the size, show borders;
   * 'fill': keep the size, fill borders from neighbouring frames (edge replication where none
   * covers them).
   */
  border?: BorderMode;
  /** Lock the camera (tripod shot). */
  tripod?: boolean;
  /**
   * Keep slow, deliberate camera motion (sway, drift) and remove only the shake (true), or hold the
   * frame still between pans (false). Default: decided from the clip's motion (sway.ts).
   */
  smoothMotion?: boolean;
  /** Motion cache folder (default motion-cache.ts motionCacheDir()). */
  cacheDir?: string;
  useCache?: boolean;
  /** Override parts of the path tuning (experiments, benchmarks). */
  weights?: Partial<PathWeights>;
}

export interface StabilizeStage extends VideoStage {
  readonly border: BorderMode;
  readonly tripod: boolean;
  /** After analyze(): the measured motion, whether slow motion was followed, and the per-frame warps. */
  readonly result?: StabilizeResult;
}

export interface StabilizeResult {
  motion: ClipMotion;
  smoothMotion: boolean;
  warps: Similarity[];
}

/**
 * --smooth-motion follows camera motion slower than about this (a Gaussian's σ, seconds). On the
 * bench's slow-sway clip 0.5 s scored steadier than 0.3 s and 1 s (one-off sweep, 2026-11-27).
 */
export const SMOOTH_MOTION_SECONDS = 0.5;

/** The clip's frame rate for the path's time constants (30 when the stream does not say). */
export function pathFps(video: { avgFrameRate: { num: number; den: number } }): number {
  return video.avgFrameRate.num > 0 ? video.avgFrameRate.num / video.avgFrameRate.den : 30;
}

/** Automatic camera mode: follow the slow motion (true) or hold the frame still, decided on the whole clip's motion. */
export function followsSway(motion: ClipMotion, video: { avgFrameRate: { num: number; den: number } }): boolean {
  return sways(motion.frames, pathFps(video), SMOOTH_MOTION_SECONDS);
}

/** 'fill' looks this many frames back and ahead for pixels to fill the borders with. */
export const FILL_NEIGHBOURS = 5;

/**
 * A clip whose planned corrections all move the frame's corners by less than this (output pixels)
 * is left untouched. On the tripod clips of python3-mecavideo (a ball or a glider moving before a
 * still camera) the corrections peaked at 0.18–0.33 px and cost 46–51 dB of PSNR against the input
 * through a lossless codec, for nothing visible (one-off, 2026-11-27).
 */
export const STILL_CAMERA_PX = 0.5;

export function createStabilizeStage(opts: StabilizeOptions): StabilizeStage {
  const border = opts.border ?? 'crop';
  let result: StabilizeResult | undefined;
  let chain: ReturnType<typeof cameraChain> | undefined;

  async function analyze(ctx: StageContext): Promise<void> {
    const video = ctx.media.video!;
    if (opts.strength > 0 || opts.tripod) prepareSolver();
    const motion = await analyzeClipMotion(ctx.media, { signal: ctx.signal, report: ctx.report, cacheDir: opts.cacheDir, useCache: opts.useCache, device: ctx.device });
    const unreliable = motion.frames.filter((f, i) => i > 0 && !f.reliable).length;
    if (unreliable > motion.frames.length / 3) ctx.warn(`Camera motion could not be measured on ${unreliable} of ${motion.frames.length} frames (black or flat, a cut, or too dim or blurred even for the learned optical flow); those frames are not stabilized.`);
    const aspect = video.height / video.width;
    const fps = pathFps(video);
    const smoothMotion = !opts.tripod && (opts.smoothMotion ?? followsSway(motion, video));
    if (smoothMotion && opts.smoothMotion === undefined) ctx.note?.('The camera sways, so stabilization kept its slow motion and removed only the shake (--no-smooth-motion holds the frame still).');
    let warps = await planCameraPath(motion.frames, { strength: opts.strength, width: video.width, height: video.height, fps, tripod: opts.tripod, border, weights: opts.weights, followSeconds: smoothMotion ? SMOOTH_MOTION_SECONDS : undefined });
    if (border === 'crop') {
      warps = safeZoom(warps, aspect, Math.max(2, fps / 3));
    }
    if (warps.every((w) => cornerShift(w, video.width, video.height) < STILL_CAMERA_PX)) {
      // A camera on a stand, measured through moving subjects and sensor noise: correcting a fraction
      // of a pixel would only resample (soften) every frame.
      if (warps.some((w) => !isIdentity(w))) ctx.note?.(`The camera did not move (no correction reached ${STILL_CAMERA_PX} px), so the picture was left as it is.`);
      warps = warps.map(() => ({ ...IDENTITY }));
    }
    result = { motion, smoothMotion, warps };
    if (border === 'fill') chain = cameraChain(motion.frames);
  }

  /**
   * 'fill': the frames within FILL_NEIGHBOURS of t on the same stretch of reliable motion, nearest
   * first, each with the warp output -> its coordinates: C_s⁻¹ ∘ C_t ∘ A_t.
   */
  function neighboursOf(t: number, warp: Similarity, have: Map<number, VideoFrame>): Array<{ data: Buffer; warp: Similarity }> {
    if (!chain || t >= chain.C.length) return [];
    const { C, segment } = chain;
    const path = compose(C[t], warp);
    const out: Array<{ data: Buffer; warp: Similarity }> = [];
    for (let d = 1; d <= FILL_NEIGHBOURS; d++) {
      for (const s of [t - d, t + d]) {
        const f = have.get(s);
        if (f && s < C.length && segment[s] === segment[t]) out.push({ data: f.data, warp: compose(invert(C[s]), path) });
      }
    }
    return out;
  }

  function transform(input: FrameStream, ctx: StageContext): FrameStream {
    const { info } = input;
    if (!canWarp(info.format)) throw new ClearcutError('UNSUPPORTED_PIXEL_FORMAT', `Stabilization cannot render frames in ${info.format.name}.`, { file: ctx.media.file });
    const size = frameByteSize(info.format, info.width, info.height);
    const fullRange = ctx.media.video?.color?.range === 'pc';
    const pool: Buffer[] = [];
    function render(frame: VideoFrame, have?: Map<number, VideoFrame>): VideoFrame {
      const warps = result?.warps ?? [];
      const warp = warps[Math.min(frame.index, warps.length - 1)];
      if (!warp || isIdentity(warp, 1e-7)) return frame;
      const out = pool.pop() ?? Buffer.allocUnsafe(size);
      const neighbours = have ? neighboursOf(frame.index, warp, have) : undefined;
      warpFrame(frame.data, out, info.format, info.width, info.height, warp, { border, fullRange, neighbours });
      return pooled(out, frame);
    }
    /** `out` (a buffer of the pool) as the frame that replaces `frame`. */
    function pooled(out: Buffer, frame: VideoFrame): VideoFrame {
      let released = false;
      return {
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
    async function* frames(): AsyncGenerator<VideoFrame> {
      for await (const frame of input.frames) {
        const out = render(frame);
        if (out !== frame) frame.release?.();
        yield out;
      }
    }
    /** 'fill': frames are held until FILL_NEIGHBOURS later ones have arrived. */
    async function* filled(): AsyncGenerator<VideoFrame> {
      const have = new Map<number, VideoFrame>();
      const queue: VideoFrame[] = [];
      const emit = (frame: VideoFrame): VideoFrame => {
        let out = render(frame, have);
        // Held frames are released here only, so an unwarped one goes out as a copy.
        if (out === frame) {
          const copy = pool.pop() ?? Buffer.allocUnsafe(size);
          frame.data.copy(copy, 0, 0, size);
          out = pooled(copy, frame);
        }
        for (const [i, f] of have) {
          if (i > frame.index - FILL_NEIGHBOURS) continue;
          have.delete(i);
          f.release?.();
        }
        return out;
      };
      for await (const frame of input.frames) {
        have.set(frame.index, frame);
        queue.push(frame);
        if (queue.length > FILL_NEIGHBOURS) yield emit(queue.shift()!);
      }
      while (queue.length) yield emit(queue.shift()!);
      for (const f of have.values()) f.release?.();
    }
    return { info, frames: border === 'fill' ? filled() : frames() };
  }

  return {
    id: 'stabilize',
    kind: 'video',
    // Seconds per 720p frame: the warp (with the pipe to the encoder), and the whole-clip motion
    // analysis with the path's LP. Measured on 10 s of 30 fps shake on 2 cores (2026-11-28): the
    // export's encode step took 0.0245 s a frame at 720p, 0.0535 at 1080p and 0.205 at 4K, which is
    // the encoder's 0.012 per 720p frame plus this; the analysis 0.0101 s a frame at 720p. With the
    // earlier 0.008 / 0.017 the ETA shown during the analysis of a 1080p clip was 4.9 s where 17.7
    // were left.
    weight: 0.011,
    analyzeWeight: 0.01,
    progressUnit: 'frames',
    analyze,
    transform,
    border,
    tripod: !!opts.tripod,
    get result() {
      return result;
    },
  };
}
