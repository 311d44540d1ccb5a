/**
 * Dense learned optical flow (RIFE 4.6's flow network, models/rife-flow.md) for the places where
 * feature tracking is weak: low texture, blur (issue 5).
 *
 * RIFE estimates the flows from the middle frame (timestep 0.5) to both inputs, F0 and F1. Under
 * locally linear motion a pixel of the middle frame at x came from x + F0(x) in prev and goes to
 * x + F1(x) in next, so its motion is F1 - F0; it is moved onto prev's grid by solving
 * x + F0(x) = p for each prev pixel p.
 *
 * RIFE interpolates frames: where a motion component is under ~6 px it can blend instead of warp,
 * and its flow is biased by up to 0.65 px, periodically in the motion (measured, models/rife-flow.md).
 * So next is estimated twice, moved by +OFFSET and by -OFFSET px on both axes, and each component
 * is read from the run in which it was at least OFFSET px long.
 */
import * as ort from 'onnxruntime-node';
import { createModelSession, type Device } from '../../models/session.js';

export const MODEL_NAME = 'rife-flow';
/** The network's input sides must be multiples of this. */
const ALIGN = 32;
/** Extra motion (px, both axes) given to next so every component lands where RIFE is accurate. */
const OFFSET = 10;
/** Fixed-point steps of x = p - F0(x); two suffice where F0 changes slowly over a few pixels. */
const GRID_STEPS = 2;

/** Motion from prev to next at every pixel of prev, in pixels (x right, y down). */
export interface FlowField {
  dx: Float32Array;
  dy: Float32Array;
  width: number;
  height: number;
}

export interface LearnedFlow {
  device: Device;
  warning?: string;
  /**
   * Dense motion from `prev` to `next`: 8-bit grey planes of width × height (any size), row-major.
   * next(p + d(p)) ≈ prev(p).
   */
  flow(prev: Uint8Array, next: Uint8Array, width: number, height: number): Promise<FlowField>;
  release(): Promise<void>;
}

export async function createLearnedFlow(opts: { device?: Device } = {}): Promise<LearnedFlow> {
  const { session, device, warning } = await createModelSession(MODEL_NAME, { device: opts.device });
  const timestep = new ort.Tensor('float32', Float32Array.of(0.5), [1]);
  return {
    device,
    warning,
    async flow(prev, next, width, height) {
      if (prev.length !== width * height || next.length !== width * height) throw new Error(`Learned flow needs two ${width}×${height} grey planes, got ${prev.length} and ${next.length} samples.`);
      const pw = Math.ceil(width / ALIGN) * ALIGN;
      const ph = Math.ceil(height / ALIGN) * ALIGN;
      const img0 = new ort.Tensor('float32', greyToPaddedRgb(prev, width, height, pw, ph, 0), [1, 3, ph, pw]);
      const estimate = async (offset: number) => {
        const img1 = new ort.Tensor('float32', greyToPaddedRgb(next, width, height, pw, ph, offset), [1, 3, ph, pw]);
        const out = await session.run({ img0, img1, timestep });
        return motionOnPrevGrid(out.flow!.data as Float32Array, pw, ph, width, height, offset);
      };
      return longerComponents(await estimate(OFFSET), await estimate(-OFFSET));
    },
    release: () => session.release(),
  };
}

/**
 * A grey plane as planar RGB 0..1 of pw × ph, its content moved by `offset` px right and down;
 * uncovered pixels repeat the nearest edge.
 */
export function greyToPaddedRgb(plane: Uint8Array, width: number, height: number, pw: number, ph: number, offset: number): Float32Array {
  const area = pw * ph;
  const out = new Float32Array(3 * area);
  const clamp = (v: number, size: number) => Math.min(Math.max(v, 0), size - 1);
  for (let y = 0; y < ph; y++) {
    const row = clamp(y - offset, height) * width;
    for (let x = 0; x < pw; x++) out[y * pw + x] = plane[row + clamp(x - offset, width)]! / 255;
  }
  out.copyWithin(area, 0, area);
  out.copyWithin(2 * area, 0, area);
  return out;
}

/**
 * Per component, the estimate of the run in which it was at least OFFSET px long: the +OFFSET run
 * for components >= 0 (as both runs roughly agree on), the -OFFSET run for the others.
 */
function longerComponents(plus: FlowField, minus: FlowField): FlowField {
  const pick = (a: Float32Array, b: Float32Array) => a.map((v, i) => (v + b[i]! >= 0 ? v : b[i]!));
  return { dx: pick(plus.dx, minus.dx), dy: pick(plus.dy, minus.dy), width: plus.width, height: plus.height };
}

/**
 * prev -> next motion on prev's grid, cropped to width × height, from RIFE's [4, ph, pw] flow
 * (F0 = channels 0-1, F1 = channels 2-3) on the middle frame's grid, less the `offset` next was moved by.
 */
export function motionOnPrevGrid(flow: Float32Array, pw: number, ph: number, width: number, height: number, offset = 0): FlowField {
  const area = pw * ph;
  const dx = new Float32Array(width * height);
  const dy = new Float32Array(width * height);
  const [f0x, f0y, f1x, f1y] = [0, 1, 2, 3].map((c) => flow.subarray(c * area, (c + 1) * area)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      // Where in the middle frame does prev's pixel (px, py) sit? x = p - F0(x), started at x = p.
      let x = px;
      let y = py;
      for (let k = 0; k < GRID_STEPS; k++) {
        const fx = bilinear(f0x, pw, ph, x, y);
        const fy = bilinear(f0y, pw, ph, x, y);
        x = px - fx;
        y = py - fy;
      }
      const i = py * width + px;
      dx[i] = bilinear(f1x, pw, ph, x, y) - bilinear(f0x, pw, ph, x, y) - offset;
      dy[i] = bilinear(f1y, pw, ph, x, y) - bilinear(f0y, pw, ph, x, y) - offset;
    }
  }
  return { dx, dy, width, height };
}

/** Bilinear sample of a w × h plane, coordinates clamped to its border. */
function bilinear(plane: Float32Array, w: number, h: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.min(Math.floor(cx), w - 2);
  const y0 = Math.min(Math.floor(cy), h - 2);
  const ax = cx - x0;
  const ay = cy - y0;
  const top = plane[y0 * w + x0]! * (1 - ax) + plane[y0 * w + x0 + 1]! * ax;
  const bottom = plane[(y0 + 1) * w + x0]! * (1 - ax) + plane[(y0 + 1) * w + x0 + 1]! * ax;
  return top * (1 - ay) + bottom * ay;
}
