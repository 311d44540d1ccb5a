/**
 * Test support (imported by *.test.ts only): a prepared Whisper model for the tests, made with
 * the real prepare step when the cache lacks it (CI runs on a fresh clone after npm install),
 * and a 16-bit PCM WAV reader.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prepare, { WHISPER_SOURCE, whisperVocabPath } from '../../../models/prepare/whisper.js';
import { sha256File } from '../../models/registry.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * sha256 of the prepared files (default options). Also in models/whisper-tiny-en.md; a change
 * here means the prepare step (or onnx-proto / protobufjs) changed its output.
 */
export const WHISPER_PREPARED_SHA256 = '46c7fcabf06cbce59c5becc537d857a5b4af1531db1c42f2e7ec2892e8adbd9d';
export const WHISPER_VOCAB_SHA256 = '5e94ed66722a6f50fb04ad21f7ef6cbdae6ca8737af9085ea7fd7bec6e1cf4b3';

export function whisperSourcePath(): string {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve(`${WHISPER_SOURCE.package}/package.json`, { paths: [REPO_ROOT] }));
  return path.join(pkg, WHISPER_SOURCE.path);
}

export { sha256File };

let preparing: Promise<{ model: string; vocab: string }> | undefined;

/** The prepared model in the model cache (CLEARCUT_MODELS_DIR or .cache/models), prepared if absent or stale. */
export function preparedWhisper(): Promise<{ model: string; vocab: string }> {
  preparing ??= (async () => {
    const dir = process.env.CLEARCUT_MODELS_DIR ?? path.join(REPO_ROOT, '.cache', 'models');
    const model = path.join(dir, 'whisper-tiny-en.onnx');
    const vocab = whisperVocabPath(model);
    const fresh =
      existsSync(model) && existsSync(vocab) && (await sha256File(model)) === WHISPER_PREPARED_SHA256 && (await sha256File(vocab)) === WHISPER_VOCAB_SHA256;
    if (!fresh) await prepare({ sourcePath: whisperSourcePath(), outPath: model, log: () => {} });
    return { model, vocab };
  })();
  return preparing;
}

/** Samples of a mono 16-bit PCM WAV as float32 in [-1, 1), and its sample rate. */
export function readWav16(file: string): { pcm: Float32Array; sampleRate: number } {
  const b = readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV file`);
  let sampleRate = 0;
  for (let o = 12; o + 8 <= b.length; ) {
    const id = b.toString('ascii', o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      const format = b.readUInt16LE(o + 8);
      const channels = b.readUInt16LE(o + 10);
      sampleRate = b.readUInt32LE(o + 12);
      const bits = b.readUInt16LE(o + 22);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${file}: want mono 16-bit PCM`);
    } else if (id === 'data') {
      const n = Math.floor(Math.min(size, b.length - o - 8) / 2);
      const pcm = new Float32Array(n);
      for (let i = 0; i < n; i++) pcm[i] = b.readInt16LE(o + 8 + 2 * i) / 32768;
      return { pcm, sampleRate };
    }
    o += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}
