/**
 * `--denoise-video[=strength]` (issue 6): a small temporal network (models/clearcut-vdn.md) sees
 * frames t-2..t+2 and returns frame t without its sensor noise. Frames stream through a ring of five.
 * A window never reaches across a scene cut (shots.ts) or past the clip's ends: the missing
 * neighbours are mirrored from the same shot (t+1, t+2 missing → t-1, t-2), so the network keeps
 * independent noise to average; only a shot shorter than two frames repeats one. The clip's noise
 * level is measured on the first frames, so the whole clip is treated alike, and the strength
 * scales that level. Frames that store chroma at full resolution (RGB, 4:4:4) then have their chroma
 * guided-filtered by the denoised luma (chroma.ts), and subsampled frames (4:2:0, 4:2:2) their chroma
 * planes, as far as those planes were noisy (subsampled-chroma.ts). Strength 0 passes frames
 * through untouched.
 * Frame count, timestamps, size and pixel format are unchanged.
 */
import { ClearcutError, throwIfAborted } from '../../common/errors.js';
import type { FrameStream, VideoFrame } from '../../media/video-frame.js';
import type { StageContext, VideoStage } from '../../pipeline/stage.js';
import type { Similarity } from '../stabilize/similarity.js';
import { CameraAligner } from './align.js';
import { hasFullResolutionChroma, smoothChroma } from './chroma.js';
import { addRgbDelta, frameLayout, frameToRgb, mirror, planarTarget, unshuffledTarget } from './color.js';
import { createVideoDenoiser, WINDOW, type VideoDenoiser } from './denoiser.js';
import { FrameSlots } from './frame-slots.js';
import { clipNoise, estimateNoise, motionNoiseRatio, tooSmallToMeasure } from './noise-level.js';
import { FrameArena } from './resample-kernel.js';
import { ShotTracker } from './shots.js';
import { copyTileDelta, MAX_TILE_PIXELS, planTiles, type Tile } from './tiles.js';
import { ChromaSmoother, chromaNoise, chromaWeight, hasSubsampledChroma } from './subsampled-chroma.js';
import { addResidualYuv420, isYuv420, yuv420ToUnshuffled } from './yuv420.js';

/** A tile that is the whole (padded) picture: its residual can go straight into the frame. */
const wholeFrame = (t: Tile, width: number, height: number): boolean => t.x0 === 0 && t.y0 === 0 && t.ex === 0 && t.ey === 0 && t.x1 === width && t.y1 === height;

export interface DenoiseVideoOptions {
  /** 0..1; 0.5 uses the measured noise level as is, 1 treats the clip as 1.5× noisier, 0 is off. */
  strength: number;
  /** Skip the measurement and use this noise level (0..1 units, 20/255 for σ 20). */
  sigma?: number;
  /** A model file instead of the registry's. */
  modelFile?: string;
  maxTilePixels?: number;
  /**
   * Guided-filter the chroma after the network: of full-resolution (RGB, 4:4:4) frames (chroma.ts),
   * and of subsampled ones (4:2:0, 4:2:2) as far as their chroma planes are noisy
   * (subsampled-chroma.ts); default on.
   */
  chromaFilter?: boolean;
  /** Put back the clip's own grain where still regions are averaged (grainKeep); default on. */
  keepGrain?: boolean;
  /** Line the neighbours up with the centre frame where the camera moves (align.ts); default on. */
  alignCamera?: boolean;
}

/** The trained range of the network's noise input. */
export const MAX_SIGMA = 60 / 255;
/**
 * At most this much more frame-to-frame change than the spatial noise level is taken for noise by
 * the still-region test. Compressed phone footage measures 1.3 to 1.5 (the noise the codec left is
 * coarser than a pixel, so the spatial estimate sees less of it); white noise 1.0 to 1.1.
 */
export const MAX_MOTION_RATIO = 2;

/**
 * The still-region test's widening for a measured motionNoiseRatio: none up to 1.2 (white noise
 * reads 1.0 to 1.1, and the clean dev clips' own codec texture under σ 10 noise up to 1.24, where
 * widening blurred moving animation), the ratio itself from 1.3, linear between, at most
 * MAX_MOTION_RATIO.
 */
export function motionWidening(ratio: number): number {
  if (ratio <= 1.2) return 1;
  if (ratio >= 1.3) return Math.min(MAX_MOTION_RATIO, ratio);
  return 1 + ((ratio - 1.2) / 0.1) * 0.3;
}
/**
 * How much of the coarse frame-to-frame texture the model puts back where it averages still regions
 * (model version 5, models/clearcut-vdn.md): GRAIN_PRIOR / level², at most 1, for the still-region
 * test's level in 8-bit units. The low-pass that picks the texture out lets through a share of the
 * noise that grows as level², and the grain of a real camera's clip does not grow with it, so heavy
 * noise keeps little: about 0.9 at σ 10.5, 0.25 at σ 20, 0.1 at σ 30, and 0.25 to 0.4 for compressed
 * noise, whose test level is widened. Chosen on the bench's four clips (BENCHMARKS.md): 50 and 75
 * gained less at σ 10 on the classroom clip, 150 lost on its realistic recipe (models/clearcut-vdn.md).
 */
export const GRAIN_PRIOR = 100;
export function grainKeep(motionSigma: number): number {
  const s = motionSigma * 255;
  return s > 0 ? Math.min(1, GRAIN_PRIOR / (s * s)) : 1;
}
/** Used when the clip gives nothing to measure (black, or all clipped). */
const FALLBACK_SIGMA = 5 / 255;
/** Frames the noise level is measured on, and how far into a dark opening it keeps trying. */
const MEASURE_FRAMES = 3;
const MEASURE_UNTIL = 60;

/** Strength → multiplier of the measured level: 0 → 0, 0.5 → 1, 1 → 1.5. */
export function strengthScale(strength: number): number {
  const s = Math.min(1, Math.max(0, strength));
  return s <= 0.5 ? 2 * s : 0.5 + s;
}

export interface DenoiseVideoStage extends VideoStage {
  /** Once frames flowed: the measured level and the one the model is given (0..1 units). */
  readonly noise?: { measured?: number; used: number };
  /** Once frames flowed: how much the still-region test widens its noise level (1..MAX_MOTION_RATIO). */
  readonly motionWidening?: number;
  /** Once frames flowed: how much of the subsampled-chroma filter is applied (0..1; undefined for frames whose chroma is not subsampled). */
  readonly chromaSmoothing?: number;
  /** Whether the clip's own grain is put back where still regions are averaged (keepGrain). */
  readonly keepsGrain: boolean;
}

export function createDenoiseVideoStage(opts: DenoiseVideoOptions): DenoiseVideoStage {
  let noise: { measured?: number; used: number } | undefined;
  let widening: number | undefined;
  let chromaSmoothing: number | undefined;
  const scale = strengthScale(opts.strength);

  /**
   * The noise level: given, or measured on the first MEASURE_FRAMES frames (before the first frame
   * leaves), so the whole clip is treated alike. A clip that opens on black keeps trying until
   * MEASURE_UNTIL; until then the light default applies (black frames hardly need more).
   */
  function levelFor(measured: number | undefined, ctx: StageContext, final: boolean): number {
    const level = (measured ?? FALLBACK_SIGMA) * scale;
    if (final && measured === undefined) ctx.warn(`Could not measure the noise in ${ctx.media.file} (${whyUnmeasured(ctx)}); denoising at a light default level. --denoise-video-sigma sets the level.`);
    if (level > MAX_SIGMA) ctx.warn(`The noise in ${ctx.media.file} is heavier than the denoiser was trained for; it is treated as σ = ${Math.round(MAX_SIGMA * 255)}.`);
    return Math.min(MAX_SIGMA, level);
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
    const fast = isYuv420(layout);
    const fullChroma = opts.chromaFilter !== false && hasFullResolutionChroma(layout);
    const subsampled = opts.chromaFilter !== false && hasSubsampledChroma(layout) ? new ChromaSmoother(layout) : undefined;
    const oneTile = planTiles(info.width, info.height, opts.maxTilePixels ?? MAX_TILE_PIXELS).length === 1;

    async function* frames(): AsyncGenerator<VideoFrame> {
      const estimates: Array<number | undefined> = [];
      if (opts.sigma !== undefined) noise = { used: Math.min(MAX_SIGMA, opts.sigma * scale) };
      /** Measure on each new frame until the level is settled. */
      const measure = (rgb: Float32Array, index: number): void => {
        if (opts.sigma !== undefined || noise?.measured !== undefined || index >= MEASURE_UNTIL) return;
        estimates.push(estimateNoise(rgb, target.width / 2, target.height / 2, target.plane));
        const last = index + 1 >= Math.min(MEASURE_UNTIL, info.expectedFrames || Infinity);
        if (estimates.length < MEASURE_FRAMES && !last) return;
        const measured = clipNoise(estimates);
        if (measured !== undefined || !noise || last) noise = { measured, used: levelFor(measured, ctx, last) };
      };
      const sigma = (): number => noise?.used ?? FALLBACK_SIGMA * scale;
      /** The still-region test's widening, from the opening frame pairs' motionNoiseRatio; settled by the first frame out. */
      const ratios: Array<number | undefined> = [];
      const motion = (): number => (widening ??= motionWidening(clipNoise(ratios) ?? 1));
      /** The subsampled chroma planes' noise on the opening frames, as they arrive (before they are denoised). */
      const chromaReadings: Array<number | undefined> = [];
      const chromaShare = (): number => (chromaSmoothing ??= chromaWeight(clipNoise(chromaReadings)));
      // The tracker (opencv's WebAssembly) compiles while the model loads.
      const size = 3 * target.plane;
      // The frames the alignment resamples live in one WebAssembly memory, where its inner loop runs
      // (resample-kernel.ts): the slots, then the gathered window or the lined-up neighbours.
      const arena = opts.alignCamera === false ? undefined : FrameArena.create(FrameSlots.floats(size) + (oneTile ? WINDOW + 1 : WINDOW - 1) * size);
      const frameBuffer = (floats: number): Float32Array => arena?.alloc(floats) ?? new Float32Array(floats);
      const tracker = opts.alignCamera === false ? undefined : CameraAligner.create(info.width, info.height, target, arena);
      let denoiser: VideoDenoiser;
      try {
        denoiser = await createVideoDenoiser({ device: ctx.device, modelFile: opts.modelFile, maxTilePixels: opts.maxTilePixels });
      } catch (e) {
        void tracker?.then((t) => t.dispose(), () => undefined);
        throw e;
      }
      if (denoiser.warning) ctx.warn(denoiser.warning);
      const delta = new Float32Array(n);
      // The filter needs the frame as plain planar RGB (the slots hold the network's layout).
      const chroma = fullChroma ? { source: new Float32Array(n), planar: planarTarget(info.width, info.height) } : undefined;
      const slots = new FrameSlots(size, arena?.alloc(FrameSlots.floats(size)));
      const aligner = await tracker;
      /** Scratch frames for neighbours resampled into the centre frame's coordinates, made when the camera first moves. */
      const aligned: Float32Array[] = [];
      /**
       * Frame j as a neighbour (window place k, never the centre's), resampled by `map` (aligner.mapTo)
       * where the camera moved, into `into` (or a scratch frame), else copied into `into` (or as it is).
       */
      const neighbour = (j: number, k: number, map: Similarity | undefined, into?: Float32Array): Float32Array => {
        const rgb = ring[j - first].rgb;
        if (!map || !aligner) {
          into?.set(rgb);
          return into ?? rgb;
        }
        const dst = into ?? (aligned[k] ??= frameBuffer(size));
        aligner.align(rgb, dst, map);
        return dst;
      };
      /**
       * A window that cannot be read in place, as one run of five frames: lined-up neighbours are
       * resampled straight into it, so the network reads it without a copy (a picture in one tile).
       */
      let gathered: Float32Array | undefined;
      const gather = (picks: number[], maps: Array<Similarity | undefined>): Float32Array => {
        const run = (gathered ??= frameBuffer(WINDOW * size));
        picks.forEach((j, k) => neighbour(j, k, maps[k], run.subarray(k * size, (k + 1) * size)));
        return run;
      };
      // ring[k] holds frame (first + k): its network input (a view of its slot), and the frame itself until it is emitted.
      const ring: Array<{ frame: VideoFrame; rgb: Float32Array }> = [];
      const shots = new ShotTracker(target);
      let first = 0;
      let emitted = 0;
      let total = 0;

      async function emit(t: number): Promise<VideoFrame> {
        throwIfAborted(ctx.signal);
        const half = WINDOW >> 1;
        const [s, e] = shots.span(t, Math.min(total - 1, t + half));
        const picks = Array.from({ length: WINDOW }, (_, k) => s + mirror(t + k - half - s, e - s + 1));
        // Consecutive frames are read in place; a window mirrored at a cut or an end is gathered.
        const maps = picks.map((j) => aligner?.mapTo(t, j));
        const inPlace = maps.every((m) => !m) && picks.every((j, k) => j === t - half + k);
        const window = inPlace ? slots.run(t - half) : oneTile ? gather(picks, maps) : picks.map((j, k) => neighbour(j, k, maps[k]));
        const { frame } = ring[t - first];
        let direct = false;
        const still = sigma() * motion();
        await denoiser.run(window, info.width, info.height, { sigma: sigma(), motion: still, grain: opts.keepGrain === false ? 0 : grainKeep(still) }, (residual, tile) => {
          direct = fast && wholeFrame(tile, info.width, info.height);
          if (direct) addResidualYuv420(frame.data, layout, residual, tile.tw / 2, (tile.tw / 2) * (tile.th / 2));
          else copyTileDelta(residual, tile, info.width, info.height, delta);
        });
        if (!direct) {
          if (chroma) smoothChroma(frameToRgb(frame.data, layout, chroma.planar, chroma.source), delta, info.width, info.height, layout.k);
          addRgbDelta(frame.data, layout, delta);
        }
        subsampled?.smooth(frame.data, chromaShare(), scale * scale);
        // Frames older than t-1 are no longer anyone's neighbour.
        while (first < t - 1) {
          ring.shift();
          first++;
        }
        ctx.report(++emitted, Math.max(info.expectedFrames, emitted));
        return frame;
      }

      try {
        for await (const frame of input.frames) {
          if (subsampled && chromaReadings.length < MEASURE_FRAMES) chromaReadings.push(chromaNoise(frame.data, layout));
          const slot = slots.slot(total);
          const rgb = fast ? yuv420ToUnshuffled(frame.data, layout, target, slot) : frameToRgb(frame.data, layout, target, slot);
          slots.commit(total);
          measure(rgb, total);
          aligner?.push(rgb);
          // The frame-to-frame change is measured against the previous frame lined up with this one.
          if (widening === undefined && ring.length > 0) ratios.push(motionNoiseRatio(neighbour(total - 1, 0, aligner?.mapTo(total, total - 1)), rgb, target.width / 2, target.height / 2, target.plane));
          shots.add(rgb);
          ring.push({ frame, rgb });
          total++;
          const ready = total - 1 - (WINDOW >> 1);
          if (ready >= emitted) yield await emit(ready);
        }
        if (!noise && total > 0) noise = { measured: clipNoise(estimates), used: levelFor(clipNoise(estimates), ctx, true) };
        while (emitted < total) yield await emit(emitted);
      } finally {
        aligner?.dispose();
        await denoiser.release();
      }
    }
    return { info, frames: frames() };
  }

  return {
    id: 'denoise-video',
    kind: 'video',
    // Seconds per 720p frame: the network and the conversions around it (about 5 fps on 2 cores).
    weight: 0.17,
    progressUnit: 'frames',
    transform,
    keepsGrain: opts.keepGrain !== false,
    get noise() {
      return noise;
    },
    get motionWidening() {
      return widening;
    },
    get chromaSmoothing() {
      return chromaSmoothing;
    },
  };
}

function whyUnmeasured(ctx: StageContext): string {
  const v = ctx.media.video;
  return v && tooSmallToMeasure(Math.ceil(v.width / 2), Math.ceil(v.height / 2)) ? `the picture, ${v.width} × ${v.height}, is too small` : 'too dark, flat or clipped';
}
