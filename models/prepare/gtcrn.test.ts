import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeWavPcm16, maxAbsDiff } from '../../core/stages/denoise-audio/audio-metrics.js';
import { defaultGtcrnWasmPath, GtcrnWasmEnhancer, GtcrnWasmModule } from '../../core/stages/denoise-audio/gtcrn-wasm.js';
import prepare from './gtcrn.js';
import { StreamingStft } from './gtcrn/stft.js';
import { readGtcrnWeights } from './gtcrn/weights.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = join(root, 'test/.tmp/prepare-gtcrn');

/** sha256 of the prepared graphs from @sapphi-red/web-noise-suppressor@0.4.1 dist/gtcrn.wasm. */
const PINNED = {
  offline: 'e6c6706102828f7e3f6804f35f18e949545235f2b84e7c0e5f047e39e03a8093',
  stream: 'bd32bf25409611bfd0cce3fd707c1d5aec02f0292dd6a7f265c667b9e9fdb234',
};

async function prepared(variant: 'offline' | 'stream', tag: string): Promise<Uint8Array> {
  mkdirSync(tmp, { recursive: true });
  const outPath = join(tmp, `gtcrn-${variant}-${tag}.onnx`);
  await prepare({ sourcePath: defaultGtcrnWasmPath(), outPath, options: { variant }, log: () => {} });
  return new Uint8Array(readFileSync(outPath));
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('models/prepare/gtcrn', () => {
  it('recovers all 111 code constants and the fixed ERB matrices', () => {
    const w = readGtcrnWeights(new Uint8Array(readFileSync(defaultGtcrnWasmPath())));
    expect(w.enBlocks).toHaveLength(3);
    expect(w.deBlocks.map((b) => b.dwB.length)).toEqual([16, 16, 16]);
    // The ERB band-merge matrix is fixed: every one of the 192 high bins is covered with weight <= 1.
    for (let i = 0; i < 192; i++) {
      let s = 0;
      for (let j = 0; j < 64; j++) s += w.erbFc[i * 64 + j]!;
      expect(s).toBeGreaterThan(0.99);
      expect(s).toBeLessThan(1.01);
    }
  });

  it('writes the same bytes every run (sha256 can be pinned)', async () => {
    for (const variant of ['offline', 'stream'] as const) {
      const a = await prepared(variant, 'a');
      const b = await prepared(variant, 'b');
      expect(sha256(a)).toBe(sha256(b));
      expect(sha256(a)).toBe(PINNED[variant]);
    }
  }, 60_000);

  it('rejects an unknown variant', async () => {
    await expect(
      prepare({ sourcePath: defaultGtcrnWasmPath(), outPath: join(tmp, 'x.onnx'), options: { variant: 'nope' }, log: () => {} }),
    ).rejects.toThrow(/variant/);
  });

  it('stream graph + TS STFT match the wasm frame by frame on real speech (export h and process i)', async () => {
    const session = await ort.InferenceSession.create(await prepared('stream', 'parity'), { intraOpNumThreads: 1 });
    const speech = decodeWavPcm16(new Uint8Array(readFileSync(join(root, 'test/fixtures/audio/speech-librivox-0890.wav')))).samples;
    const frames = 120; // ~1.9 s
    const mod = await GtcrnWasmModule.load();
    const sizes = [514, 16896, 96, 1056];
    const ptrs = [...sizes, ...sizes].map((n) => mod.malloc(n));
    let caches = sizes.slice(1).map((n) => new Float32Array(n));
    let wasmCaches = caches.map((c) => c.slice());
    const stft = new StreamingStft();
    const streamOut = new Float32Array(frames * 256);
    let worstSpec = 0;
    for (let t = 0; t < frames; t++) {
      const spec = stft.analyze(speech.subarray(t * 256, t * 256 + 256));
      const heap = mod.heap();
      heap.set(spec, ptrs[0]! / 4);
      wasmCaches.forEach((c, i) => heap.set(c, ptrs[i + 1]! / 4));
      mod.exports.h(...ptrs);
      const h2 = mod.heap();
      const wasmSpec = h2.slice(ptrs[4]! / 4, ptrs[4]! / 4 + 514);
      wasmCaches = sizes.slice(1).map((n, i) => h2.slice(ptrs[i + 5]! / 4, ptrs[i + 5]! / 4 + n));
      const r = await session.run({
        mix: new ort.Tensor('float32', spec, [1, 257, 1, 2]),
        conv_cache: new ort.Tensor('float32', caches[0]!, [2, 1, 16, 16, 33]),
        tra_cache: new ort.Tensor('float32', caches[1]!, [2, 3, 1, 1, 16]),
        inter_cache: new ort.Tensor('float32', caches[2]!, [2, 1, 33, 16]),
      });
      const enh = (r.enh!.data as Float32Array).slice();
      caches = [r.conv_cache_out!, r.tra_cache_out!, r.inter_cache_out!].map((x) => (x.data as Float32Array).slice());
      worstSpec = Math.max(worstSpec, maxAbsDiff(enh, wasmSpec));
      caches.forEach((c, i) => expect(maxAbsDiff(c, wasmCaches[i]!)).toBeLessThan(1e-3));
      streamOut.set(stft.synthesize(enh), t * 256);
    }
    expect(worstSpec).toBeLessThan(1e-4);
    // The TS STFT around the stream graph reproduces the wasm's own 256-sample process() output.
    const raw = await new GtcrnWasmEnhancer().processRaw(speech.subarray(0, frames * 256));
    expect(maxAbsDiff(streamOut, raw)).toBeLessThan(1e-4);
    await session.release();
  }, 60_000);
});
