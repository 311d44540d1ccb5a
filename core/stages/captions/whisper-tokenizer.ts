/**
 * Whisper (tiny.en) tokenizer, decode side: GPT-2 byte-level BPE token ids -> text, using the
 * vocabulary that `models/prepare/whisper.ts` saved from the shipped graph's BpeDecoder node
 * (`<model>.vocab.json`). Pure compute: no electron, DOM or React.
 *
 * Ids below `special.endOfText` (50256) are text tokens; 50256..50362 are special tokens
 * (<|endoftext|>, <|startoftranscript|>, languages, tasks, <|nocaptions|>, <|notimestamps|>);
 * ids >= `special.timestampBegin` (50363) are timestamps, 0.02 s apiece (<|0.00|> .. <|30.00|>).
 */
import { readFile } from 'node:fs/promises';
import type { WhisperSpecialIds } from './whisper-io.js';

/** Seconds per timestamp token step. */
export const WHISPER_TIME_PRECISION = 0.02;

export type { WhisperSpecialIds };

/** The fields of the saved vocabulary file that decoding needs. */
export interface WhisperVocab {
  format: 'clearcut-whisper-vocab';
  version: 1;
  idVocab: string[];
  byteDecoder: [number, number][];
  addedTokens: [number, string][];
  special: WhisperSpecialIds;
}

export interface DecodeOptions {
  /** Drop special and timestamp tokens (default true); otherwise write them as `<|...|>`. */
  skipSpecial?: boolean;
}

export class WhisperTokenizer {
  readonly special: WhisperSpecialIds;
  private readonly tokenBytesCache: (Uint8Array | undefined)[];
  private readonly idVocab: string[];
  private readonly byteOf = new Map<number, number>();
  private readonly charOf = new Map<number, string>();
  private readonly added = new Map<number, string>();
  private tokenIdOfString?: Map<string, number>;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false });

  constructor(vocab: WhisperVocab) {
    if (vocab.format !== 'clearcut-whisper-vocab' || vocab.version !== 1) {
      throw new Error(`not a Whisper vocabulary file (format ${String(vocab.format)} v${String(vocab.version)})`);
    }
    this.idVocab = vocab.idVocab;
    this.special = vocab.special;
    for (const [code, byte] of vocab.byteDecoder) {
      this.byteOf.set(code, byte);
      this.charOf.set(byte, String.fromCharCode(code));
    }
    for (const [id, text] of vocab.addedTokens) this.added.set(id, text);
    this.tokenBytesCache = new Array(this.idVocab.length);
  }

  static async fromFile(path: string): Promise<WhisperTokenizer> {
    return new WhisperTokenizer(JSON.parse(await readFile(path, 'utf8')) as WhisperVocab);
  }

  get vocabSize(): number {
    return this.special.vocabSize;
  }

  isText(id: number): boolean {
    return id >= 0 && id < this.special.endOfText;
  }

  isTimestamp(id: number): boolean {
    return id >= this.special.timestampBegin && id < this.special.vocabSize;
  }

  /** Seconds a timestamp token stands for (relative to the 30 s window's start). */
  timestampSeconds(id: number): number {
    if (!this.isTimestamp(id)) throw new RangeError(`token ${id} is not a timestamp`);
    // Round to the 0.02 grid so 0.02 * 268 does not print as 5.3600000000000005.
    return Math.round((id - this.special.timestampBegin) * WHISPER_TIME_PRECISION * 100) / 100;
  }

  /** Raw UTF-8 bytes of a text token (a token may hold part of a multi-byte character). */
  tokenBytes(id: number): Uint8Array {
    if (!this.isText(id)) throw new RangeError(`token ${id} is not a text token`);
    let bytes = this.tokenBytesCache[id];
    if (!bytes) {
      const s = this.idVocab[id] ?? '';
      bytes = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) {
        const b = this.byteOf.get(s.charCodeAt(i));
        if (b === undefined) throw new Error(`token ${id} has a char outside the byte alphabet`);
        bytes[i] = b;
      }
      this.tokenBytesCache[id] = bytes;
    }
    return bytes;
  }

  /** The `<|...|>` text of a special or timestamp token. */
  specialText(id: number): string {
    const t = this.added.get(id);
    if (t !== undefined) return t;
    if (this.isTimestamp(id)) return `<|${this.timestampSeconds(id).toFixed(2)}|>`;
    throw new RangeError(`token ${id} is outside the vocabulary`);
  }

  /**
   * Ids -> text. Consecutive text tokens are joined at the byte level before UTF-8 decoding,
   * so characters split over tokens come out whole. The leading space Whisper puts on words
   * is kept (callers trim).
   */
  decode(ids: Iterable<number>, opts: DecodeOptions = {}): string {
    const skipSpecial = opts.skipSpecial ?? true;
    let out = '';
    let pending: number[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const parts = pending.map((id) => this.tokenBytes(id));
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      out += this.utf8.decode(all);
      pending = [];
    };
    for (const id of ids) {
      if (this.isText(id)) {
        pending.push(id);
      } else {
        flush();
        if (!skipSpecial) out += this.specialText(id);
      }
    }
    flush();
    return out;
  }

  /** The id of `text` when it is exactly one vocabulary token, else undefined. */
  singleTokenId(text: string): number | undefined {
    if (!this.tokenIdOfString) {
      this.tokenIdOfString = new Map(this.idVocab.map((s, i) => [s, i]));
    }
    return this.tokenIdOfString.get(this.toByteLevel(text));
  }

  /**
   * The first token GPT-2 BPE would give for `text`, approximated as the longest vocabulary
   * entry that prefixes its byte-level form (exact for the short symbols this is used on).
   */
  firstTokenId(text: string): number | undefined {
    if (!this.tokenIdOfString) this.singleTokenId('');
    const s = this.toByteLevel(text);
    for (let n = s.length; n > 0; n--) {
      const id = this.tokenIdOfString!.get(s.slice(0, n));
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /**
   * Whisper's "non-speech" tokens (openai/whisper tokenizer.non_speech_tokens): speaker tags,
   * brackets and music symbols that are never spoken, computed from this vocabulary by the same
   * rule. Suppressing them keeps "♪♪" / "[MUSIC]" / "(SPEAKING FRENCH)" out of captions.
   */
  nonSpeechTokenIds(): number[] {
    const symbols = [...'"#()*+/:;<=>@[\\]^_`{|}~「」『』'].concat(
      '<< >> <<< >>> -- --- -( -[ (\' (" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪'.split(' '),
    );
    const miscellaneous = [...'♩♪♫♬♭♮♯'];
    const result = new Set<number>();
    for (const t of [' -', " '"]) {
      const id = this.firstTokenId(t);
      if (id !== undefined) result.add(id);
    }
    for (const symbol of symbols) {
      for (const t of [symbol, ' ' + symbol]) {
        const id = this.singleTokenId(t);
        if (id !== undefined) result.add(id);
      }
    }
    for (const symbol of miscellaneous) {
      for (const t of [symbol, ' ' + symbol]) {
        const id = this.firstTokenId(t);
        if (id !== undefined) result.add(id);
      }
    }
    return [...result].sort((a, b) => a - b);
  }

  private toByteLevel(text: string): string {
    let s = '';
    for (const b of new TextEncoder().encode(text)) s += this.charOf.get(b) ?? '';
    return s;
  }
}
