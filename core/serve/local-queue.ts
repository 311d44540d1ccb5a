/**
 * The in-process job queue behind `clearcut serve` and the desktop app: one job runs at a time
 * (exports saturate the CPU), each with its own AbortSignal; events go to every subscriber.
 */
import { toClearcutError } from '../common/errors.js';
import type { JobEventData, JobKind } from './types.js';

export interface QueuedWork {
  kind: JobKind;
  input: string;
  output: string;
  /** Does the work; reports through `emit`, resolves with the output and its sidecars. */
  run(signal: AbortSignal, emit: (e: JobEventData) => void, jobId: string): Promise<{ output: string; sidecars?: string[] }>;
}

interface Entry {
  id: string;
  work: QueuedWork;
  controller: AbortController;
  state: 'queued' | 'running' | 'finished';
}

export class LocalJobQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly order: string[] = [];
  private readonly listeners = new Set<(e: JobEventData) => void>();
  private running = false;

  constructor(private readonly newId: () => string) {}

  subscribe(listener: (e: JobEventData) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: JobEventData): void {
    for (const l of this.listeners) l(e);
  }

  add(work: QueuedWork): string {
    const id = this.newId();
    this.entries.set(id, { id, work, controller: new AbortController(), state: 'queued' });
    this.order.push(id);
    this.emit({ type: 'queued', jobId: id, kind: work.kind, input: work.input, output: work.output });
    queueMicrotask(() => void this.pump());
    return id;
  }

  /** Cancel a queued or running job; unknown or finished jobs are ignored. */
  cancel(id: string): void {
    const e = this.entries.get(id);
    if (!e || e.state === 'finished') return;
    e.controller.abort();
    if (e.state === 'queued') {
      e.state = 'finished';
      this.emit({ type: 'cancelled', jobId: id });
    }
  }

  cancelAll(): void {
    for (const id of this.entries.keys()) this.cancel(id);
  }

  kindOf(id: string): JobKind | undefined {
    return this.entries.get(id)?.work.kind;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const next = this.order.map((id) => this.entries.get(id)!).find((e) => e.state === 'queued');
    if (!next) return;
    this.running = true;
    next.state = 'running';
    const t0 = performance.now();
    try {
      const r = await next.work.run(next.controller.signal, (e) => this.emit(e), next.id);
      this.emit({ type: 'done', jobId: next.id, output: r.output, sidecars: r.sidecars, wallSeconds: Math.round(performance.now() - t0) / 1000 });
    } catch (err) {
      const e = toClearcutError(err);
      this.emit(e.code === 'CANCELLED' || next.controller.signal.aborted ? { type: 'cancelled', jobId: next.id } : { type: 'failed', jobId: next.id, code: e.code, message: e.message, file: e.file });
    } finally {
      next.state = 'finished';
      this.running = false;
      void this.pump();
    }
  }
}
