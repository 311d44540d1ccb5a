import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sha256File,
  WHISPER_PREPARED_SHA256,
  WHISPER_VOCAB_SHA256,
  whisperSourcePath,
} from '../../core/stages/captions/whisper-test-support.js';
import prepare, { whisperVocabPath } from './whisper.js';
import { decodeModel, intAttributeValue } from './whisper/onnx.js';

let dir: string;
let out: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clearcut-whisper-'));
  out = path.join(dir, 'whisper-tiny-en.onnx');
  await prepare({ sourcePath: whisperSourcePath(), outPath: out, log: (m) => logs.push(m) });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('prepare whisper', () => {
  it('writes the pinned bytes (deterministic)', async () => {
    expect(await sha256File(out)).toBe(WHISPER_PREPARED_SHA256);
    expect(await sha256File(whisperVocabPath(out))).toBe(WHISPER_VOCAB_SHA256);
    expect(logs.join('\n')).toContain(WHISPER_PREPARED_SHA256);
  });

  it('removes the onnxruntime-extensions decoder and makes the beam search Whisper-aware', async () => {
    const m = decodeModel(await readFile(out));
    const g = m.graph!;
    const nodes = g.node ?? [];
    expect(nodes.some((n) => n.domain === 'ai.onnx.contrib')).toBe(false);
    expect(m.opsetImport.map((o) => o.domain)).not.toContain('ai.onnx.contrib');
    const bs = nodes.filter((n) => n.opType === 'WhisperBeamSearch');
    expect(bs).toHaveLength(1);
    expect(bs[0]!.domain).toBe('com.microsoft');
    expect(intAttributeValue(bs[0]!, 'beginning_timestamp_token_id')).toBe(50363);
    expect(intAttributeValue(bs[0]!, 'no_timestamps_token_id')).toBe(50362);
    expect(intAttributeValue(bs[0]!, 'no_speech_token_id')).toBe(50361);
    expect(bs[0]!.input?.[7]).toBe('vocab_mask');
    expect(bs[0]!.input?.[10]).toBe('decoder_input_ids');
    expect(bs[0]!.input?.[11]).toBe('logits_processor');
    expect((g.input ?? []).map((i) => i.name)).toEqual([
      'audio_pcm',
      'max_length',
      'min_length',
      'num_beams',
      'num_return_sequences',
      'length_penalty',
      'repetition_penalty',
      'decoder_input_ids',
      'logits_processor',
      'vocab_mask',
    ]);
    expect((g.output ?? []).map((o) => o.name)).toEqual(['sequences', 'sequences_scores', 'scores']);
  });

  it('saves the vocabulary the BpeDecoder node carried', async () => {
    const v = JSON.parse(await readFile(whisperVocabPath(out), 'utf8'));
    expect(v.format).toBe('clearcut-whisper-vocab');
    expect(v.idVocab).toHaveLength(50257);
    expect(v.idVocab[843]).toBe('ĠAnd');
    expect(v.byteDecoder).toHaveLength(256);
    expect(v.addedTokens).toHaveLength(51864 - 50256);
    expect(v.special.vocabSize).toBe(51864);
  });

  it('refuses a model that is already prepared', async () => {
    await expect(prepare({ sourcePath: out, outPath: path.join(dir, 'again.onnx'), log: () => {} })).rejects.toThrow(/no BpeDecoder/);
  });
});
