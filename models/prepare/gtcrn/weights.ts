/**
 * GTCRN weights recovered from @sapphi-red/web-noise-suppressor's gtcrn.wasm.
 * Offsets come from ../../../shared/GTCRN.md (found by taking the wasm apart); the 111
 * parameters compiled into the code of function 26 are read from its instructions.
 */
import { OP, WasmModule, type WasmInstruction } from './wasm-reader.js';

export interface GruWeights {
  /** [3*hidden, input], gate order z, r, h (ONNX). */
  W: Float32Array;
  /** [3*hidden, hidden]. */
  R: Float32Array;
  /** [3*hidden]. */
  Wb: Float32Array;
  Rb: Float32Array;
  hidden: number;
  input: number;
}

export interface BatchNorm {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  /** sqrt(var + eps), as stored. */
  std: Float32Array;
}

export interface TraWeights {
  gru: GruWeights;
  /** attention fc [8 out, 16 in] and bias [8]. */
  fcW: Float32Array;
  fcB: Float32Array;
}

export interface EncoderGtBlock {
  pc1W: Float32Array; // (16,24,1,1)
  pc1B: Float32Array;
  dwW: Float32Array; // (16,1,3,3)
  dwB: Float32Array;
  pc2W: Float32Array; // (8,16,1,1)
  pc2B: Float32Array;
  prelu1: number;
  prelu2: number;
  tra: TraWeights;
  dilation: number;
}

export interface DecoderGtBlock {
  pc1W: Float32Array; // ConvTranspose (24,16,1,1)
  pc1B: Float32Array;
  bn1: BatchNorm;
  dwW: Float32Array; // (16, 9) taps as stored (padded to 12 in the wasm)
  dwB: Float32Array;
  bn2: BatchNorm;
  pc2W: Float32Array; // ConvTranspose (16,8,1,1)
  pc2B: Float32Array;
  bn3: BatchNorm;
  prelu1: number;
  prelu2: number;
  tra: TraWeights;
  dilation: number;
}

export interface DpgrnnWeights {
  /** intra: two groups, each a bidirectional GRU(8 -> 4): W [2,12,8], R [2,12,4], B [2,24]. */
  intra: { W: Float32Array; R: Float32Array; B: Float32Array }[];
  intraFcW: Float32Array; // (16,16) as stored
  intraFcB: Float32Array;
  intraLnW: Float32Array; // (33,16)
  intraLnB: Float32Array;
  /** inter: two groups, each a unidirectional GRU(8 -> 8). */
  inter: GruWeights[];
  interFcW: Float32Array;
  interFcB: Float32Array;
  interLnW: Float32Array;
  interLnB: Float32Array;
}

export interface GtcrnWeights {
  erbFc: Float32Array; // (192,64) as stored
  ierbFc: Float32Array; // (64,192) as stored
  en0: { W: Float32Array; B: Float32Array; prelu: number }; // (16,9,1,5)
  en1: { W: Float32Array; B: Float32Array; prelu: number }; // (16,8,1,5) groups 2
  enBlocks: EncoderGtBlock[];
  dp: DpgrnnWeights[];
  deBlocks: DecoderGtBlock[];
  de3: { W: Float32Array; B: Float32Array; bn: BatchNorm; prelu: number }; // (16,8,1,5) groups 2
  de4: { W: Float32Array; B: Float32Array; bn: BatchNorm }; // (16,2,1,5)
}

/** Transpose a row-major [rows, cols] matrix. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}

interface CodeConstants {
  prelu: number[];
  attBias: Float32Array[];
  deDwBias: Float32Array[];
}

/** Read the PReLU slopes, attention biases and decoder depthwise biases from function 26. */
export function readCodeConstants(ins: WasmInstruction[]): CodeConstants {
  const prelu: number[] = [];
  const attHalves: { addr: number; v: Float32Array }[] = [];
  const dwBias: number[] = [];
  for (let k = 2; k < ins.length - 4; k++) {
    const i = ins[k]!;
    if (i.op === OP.F32_CONST) {
      // PReLU: x * slope, then compare x with 0.0 and select.
      if (ins[k + 1]!.op === OP.F32_MUL && ins[k - 1]!.op === 0x22 && ins[k - 2]!.op === OP.F32_LOAD) {
        const win = ins.slice(k + 2, k + 8).map((x) => x.op);
        if (win.includes(OP.SELECT) && win.includes(OP.F32_CONST)) prelu.push(i.f32!);
      }
      // bias in place: local.get; f32.load; f32.const; f32.add; f32.store
      if (
        ins[k - 2]!.op === 0x20 &&
        ins[k - 1]!.op === OP.F32_LOAD &&
        ins[k + 1]!.op === OP.F32_ADD &&
        ins[k + 2]!.op === OP.F32_STORE
      ) {
        dwBias.push(i.f32!);
      }
    } else if (i.op === OP.V128_CONST && ins[k + 1]!.op === OP.F32X4_ADD) {
      const load = ins[k - 1]!;
      const addr = ins[k - 2]!;
      if (load.op === 0xfd * 0x10000 + 0 && addr.op === 0x41) {
        attHalves.push({ addr: addr.int! + (load.memOffset ?? 0), v: new Float32Array(i.v128!.slice().buffer) });
      }
    }
  }
  if (prelu.length !== 15) throw new Error(`gtcrn.wasm: expected 15 PReLU slopes, found ${prelu.length}`);
  if (dwBias.length !== 48) throw new Error(`gtcrn.wasm: expected 48 depthwise biases, found ${dwBias.length}`);
  if (attHalves.length !== 12) throw new Error(`gtcrn.wasm: expected 12 attention bias halves, found ${attHalves.length}`);
  const attBias: Float32Array[] = [];
  for (let j = 0; j < 6; j++) {
    const [a, b] = [attHalves[2 * j]!, attHalves[2 * j + 1]!];
    const [lo, hi] = a.addr < b.addr ? [a, b] : [b, a];
    const v = new Float32Array(8);
    v.set(lo.v, 0);
    v.set(hi.v, 4);
    attBias.push(v);
  }
  const deDwBias = [0, 1, 2].map((j) => Float32Array.from(dwBias.slice(16 * j, 16 * j + 16)));
  return { prelu, attBias, deDwBias };
}

export function readGtcrnWeights(wasmBytes: Uint8Array): GtcrnWeights {
  const mod = new WasmModule(wasmBytes);
  const image = mod.memoryImage();
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const f = (byteOffset: number, count: number): Float32Array => {
    if (byteOffset + count * 4 > image.length) throw new Error(`gtcrn.wasm: weight at ${byteOffset} out of range`);
    const out = new Float32Array(count);
    for (let k = 0; k < count; k++) out[k] = view.getFloat32(byteOffset + 4 * k, true);
    return out;
  };
  const bn = (o: number, c: number): BatchNorm => ({
    gamma: f(o, c),
    beta: f(o + 4 * c, c),
    mean: f(o + 8 * c, c),
    std: f(o + 12 * c, c),
  });
  const gruT = (w: number, r: number, rb: number, input: number, hidden: number): GruWeights => ({
    W: transpose(f(w, input * 3 * hidden), input, 3 * hidden),
    Wb: f(w + input * 3 * hidden * 4, 3 * hidden),
    R: transpose(f(r, hidden * 3 * hidden), hidden, 3 * hidden),
    Rb: f(rb, 3 * hidden),
    hidden,
    input,
  });

  const code = readCodeConstants(mod.instructions(26));
  const p = code.prelu;

  const enBase = [10496, 18784, 27072];
  const enGru = [13280, 21568, 29856];
  const enAtt = [18272, 26560, 34848];
  const dil = [1, 2, 5];
  const enBlocks: EncoderGtBlock[] = enBase.map((o, j) => ({
    pc1W: f(o, 16 * 24),
    pc1B: f(o + 1536, 16),
    dwW: f(o + 1600, 16 * 9),
    dwB: f(o + 2176, 16),
    pc2W: f(o + 2240, 8 * 16),
    pc2B: f(o + 2752, 8),
    prelu1: p[2 + 2 * j]!,
    prelu2: p[3 + 2 * j]!,
    tra: {
      gru: gruT(enGru[j]!, enGru[j]! + 1728, enGru[j]! + 4800, 8, 16),
      fcW: f(enAtt[j]!, 16 * 8),
      fcB: code.attBias[j]!,
    },
    dilation: dil[j]!,
  }));

  const dpBase = [
    { intra: 193360, intraFc: 89504, interW: [94816, 95680], interR: [35360, 36224], interFc: 96544 },
    { intra: 196048, intraFc: 103584, interW: [108896, 109760], interR: [101856, 102720], interFc: 110624 },
  ];
  const dp: DpgrnnWeights[] = dpBase.map((d) => ({
    intra: [0, 1].map((r) => {
      const W = new Float32Array(2 * 12 * 8);
      const R = new Float32Array(2 * 12 * 4);
      const B = new Float32Array(2 * 24);
      for (let dir = 0; dir < 2; dir++) {
        const o = d.intra + r * 1344 + dir * 672;
        W.set(f(o, 96), dir * 96);
        R.set(f(o + 384, 48), dir * 48);
        B.set(f(o + 576, 12), dir * 24);
        B.set(f(o + 624, 12), dir * 24 + 12);
      }
      return { W, R, B };
    }),
    intraFcW: f(d.intraFc, 256),
    intraFcB: f(d.intraFc + 1024, 16),
    intraLnW: f(d.intraFc + 1088, 33 * 16),
    intraLnB: f(d.intraFc + 3200, 33 * 16),
    inter: [0, 1].map((r) => gruT(d.interW[r]!, d.interR[r]!, d.interR[r]! + 768, 8, 8)),
    interFcW: f(d.interFc, 256),
    interFcB: f(d.interFc + 1024, 16),
    interLnW: f(d.interFc + 1088, 33 * 16),
    interLnB: f(d.interFc + 3200, 33 * 16),
  }));

  const deBase = [116736, 122528, 131584];
  const deGruW = [120288, 126080, 135136];
  const deGruR = [37088, 127808, 136864];
  const deGruRb = [40160, 130880, 139936];
  const deAtt = [122016, 131072, 140128];
  const deDil = [5, 2, 1];
  const deBlocks: DecoderGtBlock[] = deBase.map((o, j) => {
    const padded = f(o + 1856, 16 * 12);
    const dwW = new Float32Array(16 * 9);
    for (let c = 0; c < 16; c++) dwW.set(padded.subarray(c * 12, c * 12 + 9), c * 9);
    return {
      pc1W: f(o, 24 * 16),
      pc1B: f(o + 1536, 16),
      bn1: bn(o + 1600, 16),
      dwW,
      dwB: code.deDwBias[j]!,
      bn2: bn(o + 2624, 16),
      pc2W: f(o + 2880, 16 * 8),
      pc2B: f(o + 3392, 8),
      bn3: bn(o + 3424, 8),
      prelu1: p[8 + 2 * j]!,
      prelu2: p[9 + 2 * j]!,
      tra: {
        gru: {
          W: transpose(f(deGruW[j]!, 8 * 48), 8, 48),
          Wb: f(deGruW[j]! + 1536, 48),
          R: transpose(f(deGruR[j]!, 16 * 48), 16, 48),
          Rb: f(deGruRb[j]!, 48),
          hidden: 16,
          input: 8,
        },
        fcW: f(deAtt[j]!, 16 * 8),
        fcB: code.attBias[3 + j]!,
      },
      dilation: deDil[j]!,
    };
  });

  const de3W = new Float32Array(16 * 8 * 5);
  de3W.set(f(140640, 8 * 8 * 5), 0);
  de3W.set(f(141952, 8 * 8 * 5), 8 * 8 * 5);
  const de3B = new Float32Array(16);
  de3B.set(f(141920, 8), 0);
  de3B.set(f(143232, 8), 8);

  return {
    erbFc: f(40352, 192 * 64),
    ierbFc: f(144208, 64 * 192),
    en0: { W: f(4128, 16 * 9 * 5), B: f(7008, 16), prelu: p[0]! },
    en1: { W: f(7072, 16 * 8 * 5), B: f(9632, 16), prelu: p[1]! },
    enBlocks,
    dp,
    deBlocks,
    de3: { W: de3W, B: de3B, bn: bn(143264, 16), prelu: p[14]! },
    de4: { W: f(143520, 16 * 2 * 5), B: f(144160, 2), bn: bn(144168, 2) },
  };
}
