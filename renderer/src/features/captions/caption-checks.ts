/**
 * Live caption checks, the broadcast rules the engine's layout follows (core/stages/captions/
 * layout.ts): at most 42 characters a line, two lines, 17 characters a second, 5/6 s to 7 s on screen.
 */
export const MAX_LINE = 42;
export const MAX_LINES = 2;
export const MAX_CPS = 17;
export const MIN_SECONDS = 5 / 6;
export const MAX_SECONDS = 7;

export interface CueProblem {
  kind: 'line-length' | 'lines' | 'reading-speed' | 'too-short' | 'too-long' | 'overlap' | 'empty';
  message: string;
}

export function checkCue(cue: { start: number; end: number; text: string }, next?: { start: number }): CueProblem[] {
  const out: CueProblem[] = [];
  const lines = cue.text.split('\n');
  const chars = cue.text.replace(/\n/g, ' ').trim().length;
  const seconds = cue.end - cue.start;
  if (!chars) out.push({ kind: 'empty', message: 'Empty caption' });
  const longest = Math.max(...lines.map((l) => l.trim().length));
  if (longest > MAX_LINE) out.push({ kind: 'line-length', message: `Line of ${longest} characters (max ${MAX_LINE})` });
  if (lines.length > MAX_LINES) out.push({ kind: 'lines', message: `${lines.length} lines (max ${MAX_LINES})` });
  if (seconds > 0 && chars / seconds > MAX_CPS) out.push({ kind: 'reading-speed', message: `${(chars / seconds).toFixed(0)} characters/s: too fast to read (max ${MAX_CPS})` });
  if (seconds < MIN_SECONDS) out.push({ kind: 'too-short', message: `On screen ${seconds.toFixed(2)} s (min ${MIN_SECONDS.toFixed(2)} s)` });
  if (seconds > MAX_SECONDS) out.push({ kind: 'too-long', message: `On screen ${seconds.toFixed(1)} s (max ${MAX_SECONDS} s)` });
  if (next && cue.end > next.start + 1e-3) out.push({ kind: 'overlap', message: 'Overlaps the next caption' });
  return out;
}

/** "00:01:02.345" for the editor. */
export function formatTime(t: number): string {
  const ms = Math.max(0, Math.round(t * 1000));
  const pad = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** Parse "hh:mm:ss.mmm", "mm:ss.mmm" or plain seconds; undefined when it is not a time. */
export function parseTime(text: string): number | undefined {
  const t = text.trim().replace(',', '.');
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d{1,3})?)$/.exec(t);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}
