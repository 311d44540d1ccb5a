/**
 * Rewrite RIFE 4.6's ncnn flow network (rife-ncnn-vulkan's flownet.param/.bin) as an ONNX graph.
 *
 * ncnn blobs have no batch axis (c, h, w), so an ncnn axis a is ONNX axis a + 1. The network's
 * three inputs are img0, img1 (3 channels, 0..1) and a one-channel plane filled with the
 * timestep; the ONNX graph takes the timestep as a scalar input and expands it.
 * The custom rife.Warp layer samples an image at (x + fx, y + fy), bilinear, coordinates
 * clamped to the image: GridSample with align_corners=1 and padding_mode=border, as RIFE's
 * PyTorch warp() (model/warplayer.py).
 */
import { GraphBuilder } from '../gtcrn/graph-builder.js';
import { NcnnWeightReader } from './ncnn-bin.js';
import { paramArray, paramNumber, type NcnnLayer, type NcnnNet } from './ncnn-param.js';

export const RIFE_FLOW_OPSET = 16;

interface Ctx {
  g: GraphBuilder;
  /** ncnn blob name -> ONNX value name (Split outputs alias their input). */
  blob: Map<string, string>;
  weights: NcnnWeightReader;
  /** img0's shape [1, 3, H, W] and the one-channel plane shape [1, 1, H, W] (int64). */
  shape: string;
  planeShape: string;
  /** [1, 2, H, W] pixel coordinates (x, y), and [1, 2, 1, 1] scale pixels -> [-1, 1]; built once. */
  grid?: { base: string; toUnit: string };
}

export function buildRifeFlowGraph(net: NcnnNet, bin: Uint8Array): Uint8Array {
  const g = new GraphBuilder('rife-v4.6-flow');
  const shape = g.one('Shape', ['img0']);
  const planeShape = g.concat([g.i64([1, 1]), g.slice(shape, 0, 2, 4)], 0);
  const ctx: Ctx = { g, blob: new Map(), weights: new NcnnWeightReader(bin), shape, planeShape };
  const inputs = net.layers.filter((l) => l.type === 'Input');
  if (inputs.length !== 3) throw new Error(`rife-flow: expected 3 Input layers (img0, img1, timestep), found ${inputs.length}`);
  ctx.blob.set(inputs[0]!.outputs[0]!, 'img0');
  ctx.blob.set(inputs[1]!.outputs[0]!, 'img1');
  // The network's third input is a plane filled with the timestep; ONNX takes the scalar.
  ctx.blob.set(inputs[2]!.outputs[0]!, g.one('Expand', [g.reshape('timestep', [1, 1, 1, 1]), planeShape]));

  for (const layer of net.layers) if (layer.type !== 'Input') convertLayer(ctx, layer);
  ctx.weights.expectEnd();

  const outs = findOutputs(net);
  g.one('Identity', [value(ctx, outs.flow)], {}, 'flow');
  g.one('Identity', [value(ctx, outs.mask)], {}, 'mask');
  g.one('Identity', [value(ctx, outs.frame)], {}, 'frame');
  const image = (name: string) => ({ name, dims: [1, 3, 'height', 'width'] });
  return g.encode(
    [image('img0'), image('img1'), { name: 'timestep', dims: [1] }],
    [
      { name: 'flow', dims: [1, 4, 'height', 'width'] },
      { name: 'mask', dims: [1, 1, 'height', 'width'] },
      image('frame'),
    ],
    RIFE_FLOW_OPSET,
    'RIFE 4.6 flow network (rife-ncnn-vulkan flownet), converted from ncnn by Clearcut',
  );
}

/**
 * The blobs to expose: the final flow is what the last warp's flow slice is cut from, the mask
 * is the last Sigmoid's output, the merged frame is the last layer's output.
 */
function findOutputs(net: NcnnNet): { flow: string; mask: string; frame: string } {
  const byOutput = new Map<string, NcnnLayer>();
  for (const l of net.layers) for (const o of l.outputs) byOutput.set(o, l);
  const lastWarp = net.layers.filter((l) => l.type === 'rife.Warp').at(-1);
  const crop = lastWarp && byOutput.get(lastWarp.inputs[1]!);
  const sigmoid = net.layers.filter((l) => l.type === 'Sigmoid').at(-1);
  if (!crop || crop.type !== 'Crop' || !sigmoid) throw new Error('rife-flow: network does not end with Sigmoid mask and warps of a cropped flow');
  return { flow: crop.inputs[0]!, mask: sigmoid.outputs[0]!, frame: net.layers.at(-1)!.outputs[0]! };
}

function value(ctx: Ctx, blob: string): string {
  const v = ctx.blob.get(blob);
  if (v === undefined) throw new Error(`rife-flow: blob ${blob} used before it is produced`);
  return v;
}

function convertLayer(ctx: Ctx, layer: NcnnLayer): void {
  const x = layer.inputs.map((b) => value(ctx, b));
  // Split only fans a blob out: its outputs are the same ONNX value.
  if (layer.type === 'Split') for (const o of layer.outputs) ctx.blob.set(o, x[0]!);
  else ctx.blob.set(layer.outputs[0]!, layerOutput(ctx, layer, x));
}

function layerOutput(ctx: Ctx, layer: NcnnLayer, x: string[]): string {
  const { g } = ctx;
  switch (layer.type) {
    case 'Convolution':
      return convolution(ctx, layer, x[0]!);
    case 'Deconvolution':
      return deconvolution(ctx, layer, x[0]!);
    case 'ReLU': {
      const slope = paramNumber(layer, 0, 0);
      return slope === 0 ? g.one('Relu', x) : g.one('LeakyRelu', x, { alpha: { float: slope } });
    }
    case 'Sigmoid':
      return g.one('Sigmoid', x);
    case 'PixelShuffle':
      if (paramNumber(layer, 1, 0) !== 0) throw new Error(`rife-flow: ${layer.name}: only PixelShuffle mode 0 is supported`);
      return g.one('DepthToSpace', x, { blocksize: paramNumber(layer, 0, 1), mode: 'CRD' });
    case 'Interp':
      return interp(ctx, layer, x[0]!);
    case 'Concat':
      return g.concat(x, paramNumber(layer, 0, 0) + 1);
    case 'Crop':
      return crop(ctx, layer, x[0]!);
    case 'BinaryOp':
      return binaryOp(ctx, layer, x);
    case 'Eltwise':
      return eltwise(ctx, layer, x);
    case 'rife.Warp':
      return warp(ctx, x[0]!, x[1]!);
    default:
      throw new Error(`rife-flow: ncnn layer type ${layer.type} (${layer.name}) is not supported`);
  }
}

/** ncnn Convolution: weights [out][in][kh][kw] (tagged), then raw fp32 bias; fused activation 9/10. */
function convolution(ctx: Ctx, layer: NcnnLayer, x: string): string {
  const k = kernelParams(layer);
  const w = ctx.weights.tagged(k.weightSize);
  const inCh = k.weightSize / (k.outCh * k.kh * k.kw);
  const inputs = [x, ctx.g.f32(`${layer.name}.weight`, [k.outCh, inCh, k.kh, k.kw], w)];
  if (k.bias) inputs.push(ctx.g.f32(`${layer.name}.bias`, [k.outCh], ctx.weights.raw(k.outCh)));
  if (paramNumber(layer, 7, 1) !== 1) throw new Error(`rife-flow: ${layer.name}: grouped convolution is not supported`);
  const y = ctx.g.one('Conv', inputs, k.attrs);
  return activation(ctx, layer, y);
}

/**
 * ncnn Deconvolution stores weights [out][in][kh][kw] and scatters without flipping, as
 * PyTorch's ConvTranspose2d, whose (and ONNX's) weight layout is [in][out][kh][kw].
 */
function deconvolution(ctx: Ctx, layer: NcnnLayer, x: string): string {
  const k = kernelParams(layer);
  for (const id of [18, 19, 20, 21]) if (paramNumber(layer, id, 0) !== 0) throw new Error(`rife-flow: ${layer.name}: output padding/size is not supported`);
  const w = ctx.weights.tagged(k.weightSize);
  const inCh = k.weightSize / (k.outCh * k.kh * k.kw);
  const area = k.kh * k.kw;
  const t = new Float32Array(w.length);
  for (let o = 0; o < k.outCh; o++) {
    for (let i = 0; i < inCh; i++) t.set(w.subarray((o * inCh + i) * area, (o * inCh + i + 1) * area), (i * k.outCh + o) * area);
  }
  const inputs = [x, ctx.g.f32(`${layer.name}.weight`, [inCh, k.outCh, k.kh, k.kw], t)];
  if (k.bias) inputs.push(ctx.g.f32(`${layer.name}.bias`, [k.outCh], ctx.weights.raw(k.outCh)));
  const y = ctx.g.one('ConvTranspose', inputs, k.attrs);
  return activation(ctx, layer, y);
}

function kernelParams(layer: NcnnLayer) {
  const outCh = paramNumber(layer, 0, 0);
  const kw = paramNumber(layer, 1, 0);
  const kh = paramNumber(layer, 11, kw);
  const dw = paramNumber(layer, 2, 1);
  const sw = paramNumber(layer, 3, 1);
  const padL = paramNumber(layer, 4, 0);
  const padR = paramNumber(layer, 15, padL);
  const padT = paramNumber(layer, 14, padL);
  const padB = paramNumber(layer, 16, padT);
  if ([padL, padR, padT, padB].some((p) => p < 0)) throw new Error(`rife-flow: ${layer.name}: automatic (SAME) padding is not supported`);
  if (paramNumber(layer, 8, 0) !== 0) throw new Error(`rife-flow: ${layer.name}: int8 layers are not supported`);
  const attrs = {
    kernel_shape: [kh, kw],
    dilations: [paramNumber(layer, 12, dw), dw],
    strides: [paramNumber(layer, 13, sw), sw],
    pads: [padT, padL, padB, padR],
  };
  return { outCh, kh, kw, bias: paramNumber(layer, 5, 0) !== 0, weightSize: paramNumber(layer, 6, 0), attrs };
}

/** Fused activation of Convolution/Deconvolution: 9 = type (0 none, 1 relu, 2 leaky relu, 4 sigmoid), 10 = params. */
function activation(ctx: Ctx, layer: NcnnLayer, y: string): string {
  const type = paramNumber(layer, 9, 0);
  if (type === 0) return y;
  if (type === 1) return ctx.g.one('Relu', [y]);
  if (type === 2) return ctx.g.one('LeakyRelu', [y], { alpha: { float: paramArray(layer, 10, [0])[0]! } });
  if (type === 4) return ctx.g.one('Sigmoid', [y]);
  throw new Error(`rife-flow: ${layer.name}: activation type ${type} is not supported`);
}

/** ncnn Interp with scale factors: bilinear at pixel centres (align_corner 0) is Resize half_pixel. */
function interp(ctx: Ctx, layer: NcnnLayer, x: string): string {
  const mode = paramNumber(layer, 0, 0);
  if (mode !== 1 && mode !== 2) throw new Error(`rife-flow: ${layer.name}: Interp type ${mode} is not supported`);
  if (paramNumber(layer, 3, 0) || paramNumber(layer, 4, 0) || paramNumber(layer, 5, 0)) throw new Error(`rife-flow: ${layer.name}: Interp to a fixed size is not supported`);
  const scales = ctx.g.f32(`${layer.name}.scales`, [4], [1, 1, paramNumber(layer, 1, 1), paramNumber(layer, 2, 1)]);
  const alignCorners = paramNumber(layer, 6, 0) === 1;
  return ctx.g.one('Resize', [x, '', scales], {
    mode: mode === 2 ? 'linear' : 'nearest',
    coordinate_transformation_mode: alignCorners ? 'align_corners' : 'half_pixel',
  });
}

/** ncnn Crop with starts/ends/axes arrays (-23309/-23310/-23311) is an ONNX Slice. */
function crop(ctx: Ctx, layer: NcnnLayer, x: string): string {
  const starts = paramArray(layer, 9);
  const ends = paramArray(layer, 10);
  const axes = paramArray(layer, 11);
  if (starts.length === 0 || starts.length !== ends.length || starts.length !== axes.length) throw new Error(`rife-flow: ${layer.name}: only Crop by starts/ends/axes is supported`);
  return ctx.g.one('Slice', [x, ctx.g.i64(starts), ctx.g.i64(ends), ctx.g.i64(axes.map((a) => (a < 0 ? a : a + 1)))]);
}

const BINARY_OPS = ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow'];

/** ncnn BinaryOp: 0 = op (7 rsub, 8 rdiv swap operands), 1 = with scalar, 2 = the scalar. */
function binaryOp(ctx: Ctx, layer: NcnnLayer, x: string[]): string {
  const op = paramNumber(layer, 0, 0);
  const operands = paramNumber(layer, 1, 0) ? [x[0]!, ctx.g.scalar(paramNumber(layer, 2, 0))] : [x[0]!, x[1]!];
  if (op === 7 || op === 8) return ctx.g.one(op === 7 ? 'Sub' : 'Div', [operands[1]!, operands[0]!]);
  const type = BINARY_OPS[op];
  if (!type || operands.some((v) => v === undefined)) throw new Error(`rife-flow: ${layer.name}: BinaryOp ${op} is not supported`);
  return ctx.g.one(type, operands);
}

/** ncnn Eltwise sum with optional coefficients (-23301). */
function eltwise(ctx: Ctx, layer: NcnnLayer, x: string[]): string {
  if (paramNumber(layer, 0, 1) !== 1) throw new Error(`rife-flow: ${layer.name}: only Eltwise sum is supported`);
  const coeffs = paramArray(layer, 1);
  const terms = x.map((v, i) => (coeffs.length === 0 || coeffs[i] === 1 ? v : ctx.g.mul(v, ctx.g.scalar(coeffs[i]!))));
  return terms.slice(1).reduce((a, b) => ctx.g.add(a, b), terms[0]!);
}

/** Sample `image` at (x + flow_x, y + flow_y); pixel positions become GridSample's [-1, 1] with align_corners. */
function warp(ctx: Ctx, image: string, flow: string): string {
  const { g } = ctx;
  ctx.grid ??= pixelGrid(g, ctx.shape, ctx.planeShape);
  const unit = g.add(g.mul(g.add(flow, ctx.grid.base), ctx.grid.toUnit), g.scalar(-1));
  const grid = g.transpose(unit, [0, 2, 3, 1]);
  return g.one('GridSample', [image, grid], { align_corners: 1, mode: 'bilinear', padding_mode: 'border' });
}

/** Pixel coordinates of img0's grid, [1, 2, H, W], and 2 / (size - 1) per axis, [1, 2, 1, 1]. */
function pixelGrid(g: GraphBuilder, shape: string, planeShape: string): { base: string; toUnit: string } {
  const size = (axis: number) => g.one('Squeeze', [g.slice(shape, 0, axis, axis + 1), g.i64([0])]);
  const coords = (axis: number) => g.one('Cast', [g.one('Range', [g.i64([0], []), size(axis), g.i64([1], [])])], { to: 1 });
  const xs = g.one('Expand', [g.reshape(coords(3), [1, 1, 1, -1]), planeShape]);
  const ys = g.one('Expand', [g.reshape(coords(2), [1, 1, -1, 1]), planeShape]);
  const base = g.concat([xs, ys], 1);
  const sizeWH = g.one('Cast', [g.concat([g.slice(shape, 0, 3, 4), g.slice(shape, 0, 2, 3)], 0)], { to: 1 });
  const toUnit = g.reshape(g.one('Div', [g.scalar(2), g.one('Sub', [sizeWH, g.scalar(1)])]), [1, 2, 1, 1]);
  return { base, toUnit };
}
