/**
 * A file is ready when it has finished copying: its size and mtime are the same across
 * `checks` consecutive checks `intervalMs` apart, and it is not empty. Any change starts over.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

interface Pending {
  size: number;
  mtimeMs: number;
  stableChecks: number;
}

export interface StabilityOptions {
  /** Time between checks (default 1000 ms). */
  intervalMs?: number;
  /** Unchanged checks needed (default 2). */
  checks?: number;
  onReady: (file: string, stats: Stats) => void;
  /** The file went away before it was ready. */
  onGone?: (file: string) => void;
  /** The file stayed empty through the checks. */
  onEmpty?: (file: string) => void;
}

export class StabilityTracker {
  private readonly pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private checking = false;
  private readonly intervalMs: number;
  private readonly checks: number;

  constructor(private readonly opts: StabilityOptions) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.checks = opts.checks ?? 2;
  }

  /** Start (or restart) waiting for `file` to settle. */
  track(file: string): void {
    this.pending.set(file, { size: -1, mtimeMs: -1, stableChecks: 0 });
    this.timer ??= setInterval(() => void this.check(), this.intervalMs);
  }

  get size(): number {
    return this.pending.size;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const [file, p] of [...this.pending]) {
        const st = await stat(file).catch(() => undefined);
        if (this.pending.get(file) !== p) continue; // re-tracked meanwhile
        if (!st?.isFile()) {
          this.pending.delete(file);
          this.opts.onGone?.(file);
          continue;
        }
        if (st.size === p.size && st.mtimeMs === p.mtimeMs) p.stableChecks++;
        else Object.assign(p, { size: st.size, mtimeMs: st.mtimeMs, stableChecks: 0 });
        if (p.stableChecks < this.checks) continue;
        this.pending.delete(file);
        if (st.size === 0) this.opts.onEmpty?.(file);
        else this.opts.onReady(file, st);
      }
      if (!this.pending.size && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    } finally {
      this.checking = false;
    }
  }
}
