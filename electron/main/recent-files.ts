/**
 * Recently opened clips and folders, most recent first, kept in `<userData>/recent.json`. A plain
 * module: the file and the existence check are injected, so tests use a temporary folder. Entries
 * that no longer exist are dropped whenever the list is read. Paths only; reading them again still
 * goes through the allow-list (open-files.ts allows a recent entry when the user opens it).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MAX_RECENT = 10;

export interface RecentFilesOptions {
  /** The JSON file, e.g. path.join(app.getPath('userData'), 'recent.json'). */
  file: string;
  max?: number;
  exists?: (p: string) => boolean;
  /** Also tell the OS (app.addRecentDocument: the Dock, Windows jump list). */
  onAdd?: (p: string) => void;
  /** Also clear the OS list (app.clearRecentDocuments). */
  onClear?: () => void;
}

export class RecentFiles {
  private readonly max: number;
  private readonly exists: (p: string) => boolean;

  constructor(private readonly opts: RecentFilesOptions) {
    this.max = opts.max ?? MAX_RECENT;
    this.exists = opts.exists ?? existsSync;
  }

  /** Existing entries, most recent first (missing ones are dropped and the file rewritten). */
  list(): string[] {
    const stored = this.read();
    const kept = stored.filter((p) => this.exists(p));
    if (kept.length !== stored.length) this.write(kept);
    return kept;
  }

  /** Put paths at the top, in the order given (the first ends up most recent). */
  add(...paths: string[]): string[] {
    const fresh = [...new Set(paths.map((p) => path.resolve(p)))];
    const next = [...fresh, ...this.list().filter((p) => !fresh.includes(p))].slice(0, this.max);
    this.write(next);
    fresh.forEach((p) => this.opts.onAdd?.(p));
    return next;
  }

  clear(): void {
    this.write([]);
    this.opts.onClear?.();
  }

  private read(): string[] {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.opts.file, 'utf8'));
    } catch {
      return []; // missing or damaged: start a new list
    }
    const list = Array.isArray(raw) ? raw : (raw as { recent?: unknown } | null)?.recent;
    if (!Array.isArray(list)) return [];
    const paths = list.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p));
    return [...new Set(paths)].slice(0, this.max);
  }

  private write(paths: string[]): void {
    mkdirSync(path.dirname(this.opts.file), { recursive: true });
    // Write then rename, so a crash never leaves half a file.
    const tmp = `${this.opts.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ recent: paths }, null, 2));
    renameSync(tmp, this.opts.file);
  }
}
