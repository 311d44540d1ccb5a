/**
 * Runs a mono SpeechEnhancer over an endless multichannel stream at the track's own rate, in
 * overlapping blocks, so memory stays bounded however long the input is and the output has
 * exactly the input's length and timing.
 *
 * Each block of output [s, s + block) is computed from input [s - context, s + block + lookahead):
 * the context lets the recurrent state settle, the lookahead covers the model's and the resampler's
 * future taps and the cross-fade. Consecutive blocks are cross-faded over `fade` samples.
 */
import { throwIfAborted } from '../../common/errors.js';
import { resample } from './resampler.js';
import type { SpeechEnhancer } from './speech-enhancer.js';

export interface BlockLayout {
  /** Output samples per block (per channel, track rate). */
  block: number;
  context: number;
  lookahead: number;
  fade: number;
}

/** 30 s blocks, 8 s context (seam error ~ -42 dB, models/gtcrn.md), 0.5 s lookahead, 50 ms fade. */
export function defaultLayout(rate: number): BlockLayout {
  return { block: 30 * rate, context: 8 * rate, lookahead: Math.round(0.5 * rate), fade: Math.round(0.05 * rate) };
}

/** Per-channel growable sample buffer that remembers its absolute start position. */
class ChannelBuffer {
  data = new Float32Array(0);
  start = 0;
  length = 0;

  get end(): number {
    return this.start + this.length;
  }

  append(values: Float32Array): void {
    if (this.length + values.length > this.data.length) {
      const grown = new Float32Array(Math.max(this.length + values.length, this.data.length * 2));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }

  /** Samples [from, to) in absolute positions (must be buffered). */
  slice(from: number, to: number): Float32Array {
    return this.data.subarray(from - this.start, to - this.start);
  }

  /** Forget everything before absolute position `pos`. */
  dropBefore(pos: number): void {
    const n = Math.min(this.length, Math.max(0, pos - this.start));
    if (n === 0) return;
    this.data.copyWithin(0, n, this.length);
    this.start += n;
    this.length -= n;
  }
}

export interface BlockDenoiserOptions {
  rate: number;
  channels: number;
  enhancer: SpeechEnhancer;
  /** Wet share of the output, 0..1 (0 is handled before this class). */
  strength: number;
  layout?: BlockLayout;
  signal?: AbortSignal;
}

export interface DenoisedBlock {
  /** Interleaved output, the input's channel layout. */
  output: Float32Array;
  /** Interleaved input minus output (what was removed). */
  residual: Float32Array;
}

export class BlockDenoiser {
  private readonly bufs: ChannelBuffer[];
  private readonly layout: BlockLayout;
  /** Absolute position of the next output sample. */
  private next = 0;
  /** Wet samples of the previous block for [next, next + fade), per channel, to cross-fade from. */
  private carry: Float32Array[] | undefined;

  constructor(private readonly opts: BlockDenoiserOptions) {
    this.bufs = Array.from({ length: opts.channels }, () => new ChannelBuffer());
    this.layout = opts.layout ?? defaultLayout(opts.rate);
    if (this.layout.lookahead < this.layout.fade) throw new Error('lookahead must cover the cross-fade');
  }

  /** Feed interleaved input; returns the blocks that became complete. */
  async push(interleaved: Float32Array): Promise<DenoisedBlock[]> {
    const ch = this.opts.channels;
    const frames = interleaved.length / ch;
    for (let c = 0; c < ch; c++) {
      const plane = new Float32Array(frames);
      for (let i = 0; i < frames; i++) plane[i] = interleaved[i * ch + c]!;
      this.bufs[c]!.append(plane);
    }
    const out: DenoisedBlock[] = [];
    const { block, lookahead } = this.layout;
    while (this.bufs[0]!.end >= this.next + block + lookahead) out.push(await this.processBlock(this.next + block));
    return out;
  }

  /** End of input: process what is left. */
  async flush(): Promise<DenoisedBlock[]> {
    const end = this.bufs[0]!.end;
    const out: DenoisedBlock[] = [];
    while (this.next < end) out.push(await this.processBlock(Math.min(end, this.next + this.layout.block)));
    return out;
  }

  private async processBlock(until: number): Promise<DenoisedBlock> {
    throwIfAborted(this.opts.signal);
    const { context, fade } = this.layout;
    const s = this.next;
    const buf0 = this.bufs[0]!;
    const from = Math.max(buf0.start, s - context);
    const to = Math.min(buf0.end, until + this.layout.lookahead);
    const inputs = this.bufs.map((b) => b.slice(from, to));
    const wets = await this.enhanceChannels(inputs);
    const n = until - s;
    const ch = this.opts.channels;
    const output = new Float32Array(n * ch);
    const residual = new Float32Array(n * ch);
    const k = this.opts.strength;
    for (let c = 0; c < ch; c++) {
      const x = inputs[c]!;
      const wet = wets[c]!;
      const carry = this.carry?.[c];
      for (let i = 0; i < n; i++) {
        const at = s + i - from;
        let w = wet[at]!;
        if (carry && i < carry.length) {
          const a = (i + 0.5) / carry.length;
          w = carry[i]! * (1 - a) + w * a;
        }
        const dry = x[at]!;
        const y = dry + k * (w - dry);
        output[i * ch + c] = y;
        residual[i * ch + c] = dry - y;
      }
    }
    const carryEnd = Math.min(to, until + fade);
    this.carry = carryEnd > until ? wets.map((w) => w.slice(until - from, carryEnd - from)) : undefined;
    this.next = until;
    for (const b of this.bufs) b.dropBefore(until - context);
    return { output, residual };
  }

  /**
   * Enhance each channel at the model's rate and bring it back to the track's. Channels that are
   * identical (dual mono, the usual "stereo" voice recording) are enhanced once.
   */
  private async enhanceChannels(inputs: Float32Array[]): Promise<Float32Array[]> {
    const { enhancer, rate, signal } = this.opts;
    const done: Array<{ input: Float32Array; wet: Float32Array }> = [];
    const wets: Float32Array[] = [];
    for (const x of inputs) {
      const same = done.find((d) => equalSamples(d.input, x));
      if (same) {
        wets.push(same.wet);
        continue;
      }
      const down = resample(x, rate, enhancer.sampleRate);
      const y = await enhancer.enhance(down, signal);
      const wet = resample(y, enhancer.sampleRate, rate, x.length);
      done.push({ input: x, wet });
      wets.push(wet);
    }
    return wets;
  }
}

function equalSamples(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
