/** How the CLI shows long work: a bar with ETA on a terminal, JSON lines with --json, quiet otherwise. */
import type { ProgressEvent } from '../core/common/progress.js';
import type { BatchPosition } from './batch-progress.js';

export interface Reporter {
  /** `batch` is given when the export is one clip of several. */
  progress(e: ProgressEvent, batch?: BatchPosition): void;
  warning(message: string): void;
  /** A plain informational line (what a preparation step is doing). */
  info(message: string): void;
  /** Final line(s): the result object. */
  result(type: string, payload: Record<string, unknown>): void;
  error(payload: Record<string, unknown>): void;
  close(): void;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One line of the terminal bar (pure, for tests). */
export function renderBar(e: ProgressEvent, width = 24, batch?: BatchPosition): string {
  const filled = Math.round(e.fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const pct = `${Math.floor(e.fraction * 100)}%`.padStart(4);
  const unit = e.unit === 'frames' ? 'fr' : 's';
  const amount = e.unit === 'frames' ? `${Math.round(e.done)}/${Math.round(e.total)} ${unit}` : `${e.done.toFixed(1)}/${e.total.toFixed(1)} ${unit}`;
  // No rate yet, or none to measure (a stage that finished at once: a cached motion analysis).
  const rate = e.fps <= 0 ? '' : e.unit === 'frames' ? `  ${e.fps.toFixed(1)} fps` : `  ${e.fps.toFixed(1)}x`;
  const line = `${bar} ${pct}  [${e.stageIndex}/${e.stageCount}] ${e.stage}  ${amount}${rate}  ETA ${formatDuration(e.eta)}`;
  return batch ? `clip ${batch.clip}/${batch.clips}  ${line}  (all clips ${formatDuration(batch.batchEta)})` : line;
}

export function jsonReporter(out: NodeJS.WritableStream = process.stdout): Reporter {
  const line = (o: Record<string, unknown>): void => void out.write(`${JSON.stringify(o)}\n`);
  return {
    progress: (e, batch) => line({ type: 'progress', ...e, ...batch }),
    warning: (message) => line({ type: 'warning', message }),
    info: (message) => line({ type: 'log', message }),
    result: (type, payload) => line({ type, ...payload }),
    error: (payload) => line({ type: 'error', ...payload }),
    close: () => {},
  };
}

export function ttyReporter(err: NodeJS.WriteStream = process.stderr, out: NodeJS.WritableStream = process.stdout): Reporter {
  let last = '';
  const clear = (): void => {
    if (last) err.write('\r\x1b[2K');
    last = '';
  };
  return {
    progress: (e, batch) => {
      if (!err.isTTY) return;
      const cols = err.columns ?? 100;
      last = renderBar(e, batch ? 16 : 24, batch).slice(0, cols - 1);
      err.write(`\r\x1b[2K${last}`);
    },
    warning: (message) => {
      clear();
      err.write(`warning: ${message}\n`);
    },
    info: (message) => {
      clear();
      err.write(`${message}\n`);
    },
    result: (_type, payload) => {
      clear();
      out.write(`${String(payload.text ?? JSON.stringify(payload, null, 2))}\n`);
    },
    error: (payload) => {
      clear();
      err.write(`error: ${String(payload.message)}\n`);
    },
    close: clear,
  };
}
