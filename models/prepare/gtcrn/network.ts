/**
 * The GTCRN network as ONNX nodes, shared by the offline (whole utterance) and the
 * streaming (one frame plus caches) graphs. Layout inside: [1, C, T, F] for the
 * convolutions, [T, F, C] for the dual-path GRUs.
 */
import type { GraphBuilder } from './graph-builder.js';
import type { BatchNorm, DecoderGtBlock, DpgrnnWeights, EncoderGtBlock, GruWeights, GtcrnWeights, TraWeights } from './weights.js';
import { transpose } from './weights.js';

/** How time context enters the graph: zero padding (offline) or caches (streaming). */
export interface TimeContext {
  /** Prepend `frames` frames of past context along axis 2 of x ([1, C, T, F]). */
  causalPad(x: string, frames: number, key: string): string;
  /** Initial hidden state for a GRU ([1, batch, hidden]), or '' for zeros. */
  initialH(key: string): string;
  /** Receives the final hidden state of a GRU. */
  finalH(key: string, yH: string): void;
}

/** Fold y = ((x + b) - mean) / std * gamma + beta into per-output-channel scale and shift. */
function foldBn(bias: Float32Array, bn: BatchNorm): { scale: Float32Array; shift: Float32Array } {
  const n = bias.length;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    const s = bn.gamma[c]! / bn.std[c]!;
    scale[c] = s;
    shift[c] = (bias[c]! - bn.mean[c]!) * s + bn.beta[c]!;
  }
  return { scale, shift };
}

/** Scale a conv weight [out, inPerGroup, kh, kw] per output channel. */
function scaleOut(w: Float32Array, out: number, scale: Float32Array): Float32Array {
  const per = w.length / out;
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let k = 0; k < per; k++) r[o * per + k] = w[o * per + k]! * scale[o]!;
  return r;
}

/** One-hot conv weight for SFE (unfold 1x3 along F): out c*3+k <- in c, tap k. */
function sfeWeight(channels: number): Float32Array {
  const w = new Float32Array(channels * 3 * channels * 3);
  for (let c = 0; c < channels; c++) for (let k = 0; k < 3; k++) w[((c * 3 + k) * channels + c) * 3 + k] = 1;
  return w;
}

export class GtcrnNetwork {
  constructor(
    private readonly g: GraphBuilder,
    private readonly w: GtcrnWeights,
    private readonly ctx: TimeContext,
  ) {}

  private conv(x: string, name: string, W: Float32Array, B: Float32Array, dims: number[], attrs: Record<string, number[] | number>): string {
    const g = this.g;
    return g.one('Conv', [x, g.f32(`${name}.w`, dims, W), g.f32(`${name}.b`, [dims[0]!], B)], attrs);
  }

  private prelu(x: string, name: string, slope: number): string {
    return this.g.one('PRelu', [x, this.g.f32(`${name}.slope`, [1], [slope])]);
  }

  private sfe(x: string, channels: number, name: string): string {
    const g = this.g;
    return g.one('Conv', [x, g.f32(`${name}.sfe`, [channels * 3, channels, 1, 3], sfeWeight(channels))], { pads: [0, 1, 0, 1] });
  }

  private gru(x: string, name: string, gw: GruWeights, key: string): string {
    const g = this.g;
    const inputs = [
      x,
      g.f32(`${name}.W`, [1, 3 * gw.hidden, gw.input], gw.W),
      g.f32(`${name}.R`, [1, 3 * gw.hidden, gw.hidden], gw.R),
      g.f32(`${name}.B`, [1, 6 * gw.hidden], [...gw.Wb, ...gw.Rb]),
    ];
    const h0 = this.ctx.initialH(key);
    if (h0) inputs.push('', h0);
    const [y, yH] = g.op('GRU', inputs, { hidden_size: gw.hidden, linear_before_reset: 1 }, 2);
    this.ctx.finalH(key, yH!);
    return y!; // [T, 1, batch, hidden]
  }

  /** Temporal recurrent attention on x [1, 8, T, F]. */
  private tra(x: string, name: string, t: TraWeights, key: string): string {
    const g = this.g;
    const zt = g.one('ReduceMean', [g.mul(x, x)], { axes: [3], keepdims: 0 }); // [1, 8, T]
    const seq = g.transpose(zt, [2, 0, 1]); // [T, 1, 8]
    const y = g.reshape(this.gru(seq, `${name}.gru`, t.gru, key), [-1, 16]); // [T, 16]
    const fc = g.add(g.matmul(y, g.f32(`${name}.fc.w`, [16, 8], t.fcW)), g.f32(`${name}.fc.b`, [8], t.fcB));
    const at = g.one('Sigmoid', [fc]); // [T, 8]
    const a4 = g.reshape(g.transpose(at, [1, 0]), [1, 8, -1, 1]);
    return g.mul(x, a4);
  }

  /** Interleave channels: out[2c] = a[c], out[2c+1] = b[c]. */
  private shuffle(a: string, b: string): string {
    const g = this.g;
    const s = g.concat([g.one('Unsqueeze', [a, g.i64([2])]), g.one('Unsqueeze', [b, g.i64([2])])], 2);
    return g.reshape(s, [1, 16, -1, 33]);
  }

  private encoderBlock(x: string, j: number, b: EncoderGtBlock): string {
    const g = this.g;
    const n = `en${j + 2}`;
    const x1 = g.slice(x, 1, 0, 8);
    const x2 = g.slice(x, 1, 8, 16);
    let h = this.sfe(x1, 8, n);
    h = this.prelu(this.conv(h, `${n}.pc1`, b.pc1W, b.pc1B, [16, 24, 1, 1], {}), `${n}.pc1`, b.prelu1);
    h = this.ctx.causalPad(h, 2 * b.dilation, `enc${j}`);
    h = this.conv(h, `${n}.dw`, b.dwW, b.dwB, [16, 1, 3, 3], { group: 16, dilations: [b.dilation, 1], pads: [0, 1, 0, 1] });
    h = this.prelu(h, `${n}.dw`, b.prelu2);
    h = this.conv(h, `${n}.pc2`, b.pc2W, b.pc2B, [8, 16, 1, 1], {});
    h = this.tra(h, `${n}.tra`, b.tra, `tra_enc${j}`);
    return this.shuffle(h, x2);
  }

  private decoderBlock(x: string, j: number, b: DecoderGtBlock): string {
    const g = this.g;
    const n = `de${j}`;
    const x1 = g.slice(x, 1, 0, 8);
    const x2 = g.slice(x, 1, 8, 16);
    let h = this.sfe(x1, 8, n);
    // 1x1 ConvTranspose (in 24, out 16) == Conv with the weight transposed.
    const f1 = foldBn(b.pc1B, b.bn1);
    h = this.conv(h, `${n}.pc1`, scaleOut(transpose(b.pc1W, 24, 16), 16, f1.scale), f1.shift, [16, 24, 1, 1], {});
    h = this.prelu(h, `${n}.pc1`, b.prelu1);
    h = this.ctx.causalPad(h, 2 * b.dilation, `dec${j}`);
    // Depthwise ConvTranspose on a causally padded input == causal Conv with the kernel
    // flipped in both axes (the wasm stores the ConvTranspose taps, so flip them here).
    const dw = new Float32Array(16 * 9);
    for (let c = 0; c < 16; c++) for (let k = 0; k < 9; k++) dw[c * 9 + k] = b.dwW[c * 9 + 8 - k]!;
    const f2 = foldBn(b.dwB, b.bn2);
    h = this.conv(h, `${n}.dw`, scaleOut(dw, 16, f2.scale), f2.shift, [16, 1, 3, 3], {
      group: 16,
      dilations: [b.dilation, 1],
      pads: [0, 1, 0, 1],
    });
    h = this.prelu(h, `${n}.dw`, b.prelu2);
    const f3 = foldBn(b.pc2B, b.bn3);
    h = this.conv(h, `${n}.pc2`, scaleOut(transpose(b.pc2W, 16, 8), 8, f3.scale), f3.shift, [8, 16, 1, 1], {});
    h = this.tra(h, `${n}.tra`, b.tra, `tra_dec${j}`);
    return this.shuffle(h, x2);
  }

  /** Dual-path grouped RNN on x [T, 33, 16]; returns the same layout. */
  private dpgrnn(x: string, k: number, d: DpgrnnWeights): string {
    const g = this.g;
    const n = `dp${k}`;
    // Intra (along frequency, bidirectional): seq = 33, batch = T.
    const xf = g.transpose(x, [1, 0, 2]); // [33, T, 16]
    const intra = [0, 1].map((r) => {
      const part = g.slice(xf, 2, 8 * r, 8 * r + 8);
      const gi = d.intra[r]!;
      const [y] = g.op(
        'GRU',
        [part, g.f32(`${n}.intra${r}.W`, [2, 12, 8], gi.W), g.f32(`${n}.intra${r}.R`, [2, 12, 4], gi.R), g.f32(`${n}.intra${r}.B`, [2, 24], gi.B)],
        { hidden_size: 4, linear_before_reset: 1, direction: 'bidirectional' },
        1,
      ); // [33, 2, T, 4]
      return g.reshape(g.transpose(y!, [0, 2, 1, 3]), [33, -1, 8]);
    });
    let h = g.concat(intra, 2); // [33, T, 16]
    h = g.add(g.matmul(h, g.f32(`${n}.intra_fc.w`, [16, 16], d.intraFcW)), g.f32(`${n}.intra_fc.b`, [16], d.intraFcB));
    h = g.transpose(h, [1, 0, 2]); // [T, 33, 16]
    h = g.one(
      'LayerNormalization',
      [h, g.f32(`${n}.intra_ln.w`, [33, 16], d.intraLnW), g.f32(`${n}.intra_ln.b`, [33, 16], d.intraLnB)],
      { axis: 1, epsilon: { float: 1e-8 } },
    );
    const intraOut = g.add(x, h);
    // Inter (along time, causal): seq = T, batch = 33.
    const inter = [0, 1].map((r) => {
      const part = g.slice(intraOut, 2, 8 * r, 8 * r + 8);
      const y = this.gru(part, `${n}.inter${r}`, d.inter[r]!, `inter${k}_${r}`); // [T, 1, 33, 8]
      return g.reshape(y, [-1, 33, 8]);
    });
    let v = g.concat(inter, 2);
    v = g.add(g.matmul(v, g.f32(`${n}.inter_fc.w`, [16, 16], d.interFcW)), g.f32(`${n}.inter_fc.b`, [16], d.interFcB));
    v = g.one(
      'LayerNormalization',
      [v, g.f32(`${n}.inter_ln.w`, [33, 16], d.interLnW), g.f32(`${n}.inter_ln.b`, [33, 16], d.interLnB)],
      { axis: 1, epsilon: { float: 1e-8 } },
    );
    return g.add(intraOut, v);
  }

  /** re, im: [T, 257] -> enhanced re, im: [T, 257]. */
  build(re: string, im: string): { re: string; im: string } {
    const g = this.g;
    const w = this.w;
    const mag = g.one('Sqrt', [g.add(g.add(g.mul(re, re), g.mul(im, im)), g.scalar(1e-12))]);
    const stacked = g.concat([mag, re, im].map((t) => g.one('Unsqueeze', [t, g.i64([0])])), 0); // [3, T, 257]
    const feat = g.one('Unsqueeze', [stacked, g.i64([0])]);
    // feat [1, 3, T, 257] -> ERB band merge -> [1, 3, T, 129]
    const low = g.slice(feat, 3, 0, 65);
    const high = g.matmul(g.slice(feat, 3, 65, 257), g.f32('erb_fc', [192, 64], w.erbFc));
    let x = this.sfe(g.concat([low, high], 3), 3, 'in'); // [1, 9, T, 129]

    const enOuts: string[] = [];
    x = this.prelu(this.conv(x, 'en0', w.en0.W, w.en0.B, [16, 9, 1, 5], { strides: [1, 2], pads: [0, 2, 0, 2] }), 'en0', w.en0.prelu);
    enOuts.push(x);
    x = this.prelu(
      this.conv(x, 'en1', w.en1.W, w.en1.B, [16, 8, 1, 5], { strides: [1, 2], pads: [0, 2, 0, 2], group: 2 }),
      'en1',
      w.en1.prelu,
    );
    enOuts.push(x);
    w.enBlocks.forEach((b, j) => {
      x = this.encoderBlock(x, j, b);
      enOuts.push(x);
    });

    let y = g.reshape(g.transpose(x, [0, 2, 3, 1]), [-1, 33, 16]); // [T, 33, 16]
    y = this.dpgrnn(y, 0, w.dp[0]!);
    y = this.dpgrnn(y, 1, w.dp[1]!);
    x = g.reshape(g.transpose(y, [2, 0, 1]), [1, 16, -1, 33]);

    w.deBlocks.forEach((b, j) => {
      x = this.decoderBlock(g.add(x, enOuts[4 - j]!), j, b);
    });
    const f3 = foldBn(w.de3.B, w.de3.bn);
    x = g.add(x, enOuts[1]!);
    x = g.one('ConvTranspose', [x, g.f32('de3.w', [16, 8, 1, 5], scaleConvT(w.de3.W, 16, 8, 2, f3.scale)), g.f32('de3.b', [16], f3.shift)], {
      group: 2,
      strides: [1, 2],
      pads: [0, 2, 0, 2],
    });
    x = this.prelu(x, 'de3', w.de3.prelu);
    const f4 = foldBn(w.de4.B, w.de4.bn);
    x = g.add(x, enOuts[0]!);
    x = g.one('ConvTranspose', [x, g.f32('de4.w', [16, 2, 1, 5], scaleConvT(w.de4.W, 16, 2, 1, f4.scale)), g.f32('de4.b', [2], f4.shift)], {
      strides: [1, 2],
      pads: [0, 2, 0, 2],
    });
    const m = g.one('Tanh', [x]); // [1, 2, T, 129]
    // ERB band split -> complex ratio mask [1, 2, T, 257]
    const mask = g.concat([g.slice(m, 3, 0, 65), g.matmul(g.slice(m, 3, 65, 129), g.f32('ierb_fc', [64, 192], w.ierbFc))], 3);
    const m0 = g.reshape(g.slice(mask, 1, 0, 1), [-1, 257]);
    const m1 = g.reshape(g.slice(mask, 1, 1, 2), [-1, 257]);
    return {
      re: g.one('Sub', [g.mul(re, m0), g.mul(im, m1)]),
      im: g.add(g.mul(im, m0), g.mul(re, m1)),
    };
  }
}

/** Scale a ConvTranspose weight [in, outPerGroup, kh, kw] per output channel. */
function scaleConvT(w: Float32Array, inC: number, outPerGroup: number, groups: number, scale: Float32Array): Float32Array {
  const r = new Float32Array(w.length);
  const k = w.length / (inC * outPerGroup);
  const inPerGroup = inC / groups;
  for (let i = 0; i < inC; i++) {
    const grp = Math.floor(i / inPerGroup);
    for (let o = 0; o < outPerGroup; o++) {
      const s = scale[grp * outPerGroup + o]!;
      for (let t = 0; t < k; t++) r[(i * outPerGroup + o) * k + t] = w[(i * outPerGroup + o) * k + t]! * s;
    }
  }
  return r;
}
