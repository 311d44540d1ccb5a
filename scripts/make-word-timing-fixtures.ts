/**
 * Make the word-timing fixtures (test/fixtures/speech/timing-espeak-*.wav + .json): English
 * sentences whose word onsets are known exactly, because each word is synthesised on its own
 * with espeak-ng, trimmed to its audible part (25 ms RMS above -45 dBFS) and joined with a
 * seeded gap of 0-300 ms (mostly 0-60 ms, so most boundaries are invisible in the energy, as in
 * connected speech). Needs espeak-ng (apt-get install espeak-ng); the outputs are committed so
 * tests and benchmarks do not need it. Usage: node --import tsx scripts/make-word-timing-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegBinary } from '../core/media/ffmpeg-binaries.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'speech');

export const TIMING_SENTENCES = [
  'The quick brown fox jumps over the lazy dog, and then it runs back into the forest.',
  'Please call Stella and ask her to bring these things with her from the store.',
  'When the sun rises over the hills, the farmers walk slowly to their fields.',
  'A good caption should appear when the speaker begins, not a moment later.',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function synth(word: string, dir: string): Float32Array {
  const wav = path.join(dir, 'w.wav');
  const raw = path.join(dir, 'w.f32');
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '165', '-w', wav, word]);
  execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-ac', '1', '-ar', '16000', '-f', 'f32le', raw]);
  const b = readFileSync(raw);
  const pcm = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  const win = 400;
  const loud = (i: number) => {
    let e = 0;
    for (let k = i; k < Math.min(pcm.length, i + win); k++) e += pcm[k]! * pcm[k]!;
    return 10 * Math.log10(e / win + 1e-12) > -45;
  };
  let a = 0;
  while (a < pcm.length && !loud(a)) a += 80;
  let z = pcm.length - win;
  while (z > a && !loud(z)) z -= 80;
  return pcm.slice(a, Math.min(pcm.length, z + win));
}

function wav16(pcm: Float32Array): Buffer {
  const b = Buffer.alloc(44 + pcm.length * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + pcm.length * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(16000, 24);
  b.writeUInt32LE(32000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(pcm.length * 2, 40);
  for (let i = 0; i < pcm.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(pcm[i]! * 32767))), 44 + 2 * i);
  return b;
}

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-espeak-'));
  try {
    TIMING_SENTENCES.forEach((sentence, n) => {
      const next = rng(1000 + n);
      const parts: Float32Array[] = [new Float32Array(8000)]; // 0.5 s lead-in
      let at = 0.5;
      const words: { text: string; start: number; end: number }[] = [];
      for (const text of sentence.split(' ')) {
        const audio = synth(text.replace(/[^A-Za-z']/g, ''), dir);
        words.push({ text, start: Math.round(at * 1000) / 1000, end: Math.round((at + audio.length / 16000) * 1000) / 1000 });
        parts.push(audio);
        at += audio.length / 16000;
        const r = next();
        const gap = /[,.]$/.test(text) ? 0.3 : r < 0.5 ? 0 : r < 0.8 ? 0.03 + 0.03 * next() : 0.1 + 0.2 * next();
        parts.push(new Float32Array(Math.round(gap * 16000)));
        at += Math.round(gap * 16000) / 16000;
      }
      parts.push(new Float32Array(8000));
      const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      const base = path.join(OUT, `timing-espeak-${n + 1}`);
      writeFileSync(`${base}.wav`, wav16(all));
      writeFileSync(`${base}.json`, JSON.stringify({ text: sentence, words }, null, 1) + '\n');
      console.log(`${base}.wav: ${(all.length / 16000).toFixed(2)} s, ${words.length} words`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
