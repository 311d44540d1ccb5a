/**
 * Caption file formats: SRT and WebVTT sidecars (writers and parsers, the parsers used to check
 * the writers and to read captions back), and Clearcut's JSON transcript with word times and
 * confidences, low-confidence words flagged for review.
 */
import type { CaptionCue } from './layout.js';
import { LOW_CONFIDENCE, type Transcript } from './transcript.js';

export type SidecarFormat = 'srt' | 'vtt' | 'json';

/** Seconds -> "HH:MM:SS,mmm" (SRT) or "HH:MM:SS.mmm" (WebVTT). */
export function formatTimestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** "HH:MM:SS,mmm", "HH:MM:SS.mmm" or "MM:SS.mmm" -> seconds. */
export function parseTimestamp(t: string): number {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})$/.exec(t.trim());
  if (!m) throw new Error(`not a caption timestamp: "${t}"`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** Cue text must not contain a blank line (it ends the cue) or, in WebVTT, a bare "-->". */
const cleanLine = (l: string) => l.replace(/\s+/g, ' ').trim();

export function toSrt(cues: CaptionCue[]): string {
  return cues.map((c, i) => `${i + 1}\n${formatTimestamp(c.start, ',')} --> ${formatTimestamp(c.end, ',')}\n${c.lines.map(cleanLine).join('\n')}\n`).join('\n');
}

const escapeVtt = (l: string) => cleanLine(l).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function toWebVtt(cues: CaptionCue[]): string {
  return `WEBVTT\n\n${cues.map((c, i) => `${i + 1}\n${formatTimestamp(c.start, '.')} --> ${formatTimestamp(c.end, '.')}\n${c.lines.map(escapeVtt).join('\n')}\n`).join('\n')}`;
}

export interface ParsedCue {
  start: number;
  end: number;
  lines: string[];
}

function parseBlocks(text: string, unescape: (l: string) => string): ParsedCue[] {
  const out: ParsedCue[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n').filter((l) => l.length > 0);
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const [a, b] = lines[at]!.split('-->');
    out.push({ start: parseTimestamp(a!), end: parseTimestamp(b!.trim().split(/\s+/)[0]!), lines: lines.slice(at + 1).map(unescape) });
  }
  return out;
}

export function parseSrt(text: string): ParsedCue[] {
  return parseBlocks(text.replace(/^\uFEFF/, ''), (l) => l);
}

export function parseWebVtt(text: string): ParsedCue[] {
  const body = text.replace(/^\uFEFF/, '');
  if (!/^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(body)) throw new Error('not a WebVTT file (no WEBVTT header)');
  return parseBlocks(body.replace(/^WEBVTT.*\n/, ''), (l) => l.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

/** Clearcut's transcript JSON (format "clearcut-transcript", version 1). */
export interface TranscriptJson {
  format: 'clearcut-transcript';
  version: 1;
  language: string;
  model: string;
  duration: number;
  /** Words under this confidence carry lowConfidence: true. */
  lowConfidenceBelow: number;
  segments: Array<{
    start: number;
    end: number;
    text: string;
    confidence?: number;
    words: Array<{ text: string; start: number; end: number; confidence?: number; lowConfidence: boolean }>;
  }>;
  cues: Array<{ start: number; end: number; lines: string[] }>;
}

export function toTranscriptJson(t: Transcript, cues: CaptionCue[], lowBelow = LOW_CONFIDENCE): TranscriptJson {
  return {
    format: 'clearcut-transcript',
    version: 1,
    language: t.language,
    model: t.model,
    duration: t.duration,
    lowConfidenceBelow: lowBelow,
    segments: t.segments.map((s) => ({
      start: s.start,
      end: s.end,
      text: s.text,
      ...(s.confidence !== undefined ? { confidence: s.confidence } : {}),
      words: s.words.map((w) => ({ ...w, lowConfidence: w.confidence !== undefined && w.confidence < lowBelow })),
    })),
    cues: cues.map((c) => ({ start: c.start, end: c.end, lines: c.lines })),
  };
}
