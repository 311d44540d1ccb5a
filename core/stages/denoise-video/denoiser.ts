/**
 * The video denoising network (models/clearcut-vdn.md): five RGB frames and a noise level in, the
 * denoised centre frame out, run tile by tile (tiles.ts) so memory is bounded at any size.
 */
import * as ort from 'onnxruntime-node';
import { createModelSession, createSessionFromFile, type Device } from '../../models/session.js';
import { copyTileIn, MAX_TILE_PIXELS, planTiles, type Tile } from './tiles.js';

export const MODEL_NAME = 'clearcut-vdn';
/** Frames the network sees: t-2 .. t+2. */
export const WINDOW = 5;

/** Noise levels in 0..1 units: the network's, and the one its still-region test uses (default: sigma). */
export interface NoiseLevels {
  sigma: number;
  motion?: number;
  /** Share of the coarse frame-to-frame texture kept in still regions (0..1; version 5 files). */
  grain?: number;
}

export interface VideoDenoiser {
  device: Device;
  warning?: string;
  /**
   * Denoise the centre of `window` (WINDOW frames of a width × height picture, each converted with
   * color.ts unshuffledTarget; or the five one after another in one array, read in place when the
   * picture is one tile) at the given noise levels. Each tile's residual (denoised minus centre,
   * 12 unshuffled planes of the tile) goes to `onTile` (tiles.ts copyTileDelta writes it into a plain
   * planar RGB delta); it is only valid during the call.
   */
  run(window: Float32Array[] | Float32Array, width: number, height: number, noise: NoiseLevels, onTile: (residual: Float32Array, tile: Tile) => void): Promise<void>;
  release(): Promise<void>;
}

export interface DenoiserOptions {
  device?: Device;
  /** A model file instead of the registry's (tests of an export). */
  modelFile?: string;
  maxTilePixels?: number;
}

export async function createVideoDenoiser(opts: DenoiserOptions = {}): Promise<VideoDenoiser> {
  const { session, device, warning } = opts.modelFile ? await createSessionFromFile(opts.modelFile, { device: opts.device, spin: false }) : await createModelSession(MODEL_NAME, { device: opts.device, spin: false });
  let plan: { width: number; height: number; tiles: Tile[] } | undefined;
  // Version 3 and earlier files have no motion_sigma input.
  const takesMotion = session.inputNames.includes('motion_sigma');
  const takesGrain = session.inputNames.includes('grain_keep');
  const buffers = new Map<string, Float32Array>();

  function buffersFor(t: Tile): Float32Array {
    const key = `${t.tw}x${t.th}`;
    let b = buffers.get(key);
    if (!b) buffers.set(key, (b = new Float32Array(3 * WINDOW * t.tw * t.th)));
    return b;
  }

  return {
    device,
    warning,
    async run(window, width, height, noise, onTile) {
      if (!plan || plan.width !== width || plan.height !== height) plan = { width, height, tiles: planTiles(width, height, opts.maxTilePixels ?? MAX_TILE_PIXELS) };
      const paddedWidth = Math.ceil(width / 4) * 4;
      const paddedHeight = Math.ceil(height / 4) * 4;
      const size = 3 * paddedWidth * paddedHeight;
      const frames = Array.isArray(window) ? window : Array.from({ length: window.length / size }, (_, k) => window.subarray(k * size, (k + 1) * size));
      if (frames.length !== WINDOW || frames.some((f) => f.length !== size)) throw new Error(`The video denoiser needs ${WINDOW} frames of ${paddedWidth}x${paddedHeight}.`);
      for (const t of plan.tiles) {
        let b: Float32Array;
        if (!Array.isArray(window) && plan.tiles.length === 1) b = window;
        else {
          b = buffersFor(t);
          frames.forEach((f, k) => copyTileIn(f, paddedWidth, paddedHeight, t, b, 12 * k));
        }
        const out = await session.run({
          frames: new ort.Tensor('float32', b, [1, 12 * WINDOW, t.th / 2, t.tw / 2]),
          sigma: new ort.Tensor('float32', Float32Array.of(noise.sigma), [1, 1, 1, 1]),
          ...(takesMotion ? { motion_sigma: new ort.Tensor('float32', Float32Array.of(noise.motion ?? noise.sigma), [1, 1, 1, 1]) } : {}),
          ...(takesGrain ? { grain_keep: new ort.Tensor('float32', Float32Array.of(noise.grain ?? 0), [1, 1, 1, 1]) } : {}),
        });
        onTile(out.residual.data as Float32Array, t);
      }
    },
    release: () => session.release(),
  };
}
