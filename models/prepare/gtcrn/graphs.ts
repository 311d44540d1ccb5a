/**
 * The two GTCRN graphs: 'offline' (audio in, audio out, STFT inside, zero initial state)
 * and 'stream' (one spectrum frame plus caches, mirroring the wasm's export `h`).
 */
import { GraphBuilder } from './graph-builder.js';
import { GtcrnNetwork, type TimeContext } from './network.js';
import { buildAnalysis, buildSynthesis } from './stft.js';
import type { GtcrnWeights } from './weights.js';

export type GtcrnVariant = 'offline' | 'stream';

const DOC =
  'GTCRN (Rong et al., ICASSP 2024, MIT) rebuilt from @sapphi-red/web-noise-suppressor gtcrn.wasm weights (DNS3 streaming model).';

export function buildOfflineGraph(w: GtcrnWeights): Uint8Array {
  const g = new GraphBuilder('gtcrn_offline');
  const ctx: TimeContext = {
    causalPad: (x, frames) => g.one('Pad', [x, g.i64([0, 0, frames, 0, 0, 0, 0, 0])]),
    initialH: () => '',
    finalH: () => {},
  };
  const { re, im, length } = buildAnalysis(g, 'audio');
  const out = new GtcrnNetwork(g, w, ctx).build(re, im);
  buildSynthesis(g, out.re, out.im, length, 'enhanced');
  return g.encode([{ name: 'audio', dims: [1, 'samples'] }], [{ name: 'enhanced', dims: [1, 'samples'] }], 17, DOC);
}

/** Time slices of the conv cache: [start, end) along its axis 2, by block. */
const CONV_SLOTS: Record<string, [number, number, number]> = {
  // key: [cache index (0 encoder, 1 decoder), start, end]
  enc0: [0, 0, 2],
  enc1: [0, 2, 6],
  enc2: [0, 6, 16],
  dec0: [1, 6, 16],
  dec1: [1, 2, 6],
  dec2: [1, 0, 2],
};

export function buildStreamGraph(w: GtcrnWeights): Uint8Array {
  const g = new GraphBuilder('gtcrn_stream');
  const newConv = new Map<string, string>();
  const newH = new Map<string, string>();
  const convPart = (i: number) => g.reshape(g.slice('conv_cache', 0, i, i + 1), [1, 16, 16, 33]);
  const convCaches = [convPart(0), convPart(1)];
  const traPart = (e: number, j: number) => g.reshape(g.slice(g.slice('tra_cache', 0, e, e + 1), 1, j, j + 1), [1, 1, 16]);
  const interPart = (k: number, r: number) =>
    g.reshape(g.slice(g.slice('inter_cache', 0, k, k + 1), 3, 8 * r, 8 * r + 8), [1, 33, 8]);

  const ctx: TimeContext = {
    causalPad: (x, frames, key) => {
      const [i, start, end] = CONV_SLOTS[key]!;
      if (end - start !== frames) throw new Error(`conv cache slot ${key} has ${end - start} frames, need ${frames}`);
      const inp = g.concat([g.slice(convCaches[i]!, 2, start, end), x], 2);
      newConv.set(key, g.slice(inp, 2, 1, frames + 1));
      return inp;
    },
    initialH: (key) => {
      let m = /^tra_(enc|dec)(\d)$/.exec(key);
      if (m) return traPart(m[1] === 'enc' ? 0 : 1, Number(m[2]));
      m = /^inter(\d)_(\d)$/.exec(key);
      if (m) return interPart(Number(m[1]), Number(m[2]));
      throw new Error(`no cache for ${key}`);
    },
    finalH: (key, yH) => newH.set(key, yH),
  };

  // mix (1, 257, 1, 2) -> re, im [1, 257]
  const spec = g.reshape('mix', [1, 257, 2]);
  const re = g.reshape(g.slice(spec, 2, 0, 1), [1, 257]);
  const im = g.reshape(g.slice(spec, 2, 1, 2), [1, 257]);
  const out = new GtcrnNetwork(g, w, ctx).build(re, im);
  g.reshape(g.concat([g.one('Unsqueeze', [out.re, g.i64([2])]), g.one('Unsqueeze', [out.im, g.i64([2])])], 2), [1, 257, 1, 2], 'enh');

  const convOut = (keys: string[]) => g.one('Unsqueeze', [g.concat(keys.map((k) => newConv.get(k)!), 2), g.i64([0])]);
  g.concat([convOut(['enc0', 'enc1', 'enc2']), convOut(['dec2', 'dec1', 'dec0'])], 0, 'conv_cache_out');
  const traOut = (p: string) => g.one('Unsqueeze', [g.concat([0, 1, 2].map((j) => newH.get(`tra_${p}${j}`)!), 0), g.i64([1])]);
  g.concat([g.one('Unsqueeze', [traOut('enc'), g.i64([0])]), g.one('Unsqueeze', [traOut('dec'), g.i64([0])])], 0, 'tra_cache_out');
  const interOut = (k: number) => g.one('Unsqueeze', [g.concat([newH.get(`inter${k}_0`)!, newH.get(`inter${k}_1`)!], 2), g.i64([0])]);
  g.concat([interOut(0), interOut(1)], 0, 'inter_cache_out');

  return g.encode(
    [
      { name: 'mix', dims: [1, 257, 1, 2] },
      { name: 'conv_cache', dims: [2, 1, 16, 16, 33] },
      { name: 'tra_cache', dims: [2, 3, 1, 1, 16] },
      { name: 'inter_cache', dims: [2, 1, 33, 16] },
    ],
    [
      { name: 'enh', dims: [1, 257, 1, 2] },
      { name: 'conv_cache_out', dims: [2, 1, 16, 16, 33] },
      { name: 'tra_cache_out', dims: [2, 3, 1, 1, 16] },
      { name: 'inter_cache_out', dims: [2, 1, 33, 16] },
    ],
    17,
    DOC,
  );
}
