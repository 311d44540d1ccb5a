/**
 * The watch folder's log: one JSON object per line (time, event, file, job, and for progress the
 * stage, fraction and ETA), appended synchronously so a crash loses nothing already logged.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface WatchLogEntry {
  event: string;
  level?: 'info' | 'warn' | 'error';
  file?: string;
  job?: string;
  message?: string;
  [key: string]: unknown;
}

export type WatchLogListener = (entry: WatchLogEntry & { time: string }) => void;

export class WatchLog {
  private readonly listeners: WatchLogListener[] = [];

  constructor(readonly file?: string) {
    if (file) mkdirSync(path.dirname(file), { recursive: true });
  }

  onEntry(listener: WatchLogListener): void {
    this.listeners.push(listener);
  }

  write(entry: WatchLogEntry): void {
    const line = { time: new Date().toISOString(), level: 'info' as const, ...entry };
    if (this.file) appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    for (const l of this.listeners) l(line);
  }
}
