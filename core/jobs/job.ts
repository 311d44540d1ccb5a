/**
 * A job: one input processed with one preset into one output. Its id is hashed from the input's
 * content fingerprint and the preset (see fingerprint.ts), so the same file with the same preset is
 * one job, whatever its name and however often it is added. A job is a status union plus events;
 * `JobRecord` is the plain object that crosses to the CLI, the UI and the log.
 */
import type { ErrorCode } from '../common/errors.js';
import type { ProgressEvent } from '../common/progress.js';
import type { Device } from '../models/session.js';
import type { Preset } from '../presets/presets.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const JOB_STATES: JobState[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

/** What to do: everything needed to run the export on any machine that sees the same paths. */
export interface JobSpec {
  /** Content fingerprint of the input (fingerprint.ts), part of the id. */
  fingerprint: string;
  input: string;
  output: string;
  preset: Preset;
  device?: Device;
  /** Free-form facts for the caller (the watch folder keeps its root and relative path here). */
  meta?: Record<string, unknown>;
  /**
   * Which queues run the job: a LocalJobQueue only claims jobs of its own lane (none by default).
   * The app's jobs are in the 'app' lane, because only the app's runner knows their extra settings.
   */
  lane?: string;
  /** Settings beyond the preset that change the result (the app's output and edited captions); part of the id. */
  variant?: unknown;
}

/** One try at a job, kept in the job's history and its report. */
export interface JobAttempt {
  attempt: number;
  owner: string;
  device: Device;
  startedAt: string;
  endedAt?: string;
  outcome?: 'done' | 'failed' | 'retry' | 'cancelled' | 'interrupted' | 'requeued' | 'adopted';
  code?: ErrorCode | string;
  message?: string;
}

export interface JobRecord {
  id: string;
  fingerprint: string;
  input: string;
  output: string;
  preset: Preset;
  device: Device;
  state: JobState;
  /** Tries started so far (a crash counts: it is a try that did not finish). */
  attempts: number;
  maxAttempts: number;
  /** Epoch ms before which a queued job is not picked (retry backoff). */
  runAfter: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Who holds the running job ("host:pid:nonce") and until when (epoch ms); renewed by heartbeats. */
  leaseOwner?: string;
  leaseExpires?: number;
  /** 0..1 and seconds left, as last reported by the running export. */
  progress?: number;
  eta?: number | null;
  errorCode?: string;
  errorMessage?: string;
  reportPath?: string;
  history: JobAttempt[];
  meta: Record<string, unknown>;
  lane?: string;
}

/** Events a queue emits (local or distributed). */
export interface JobEvents {
  queued: [job: JobRecord];
  started: [job: JobRecord];
  progress: [job: JobRecord, event: ProgressEvent];
  warning: [job: JobRecord, message: string];
  /** A failed try that will be tried again (after `delayMs`), possibly on another device. */
  retry: [job: JobRecord, error: { code: string; message: string }, delayMs: number];
  done: [job: JobRecord];
  failed: [job: JobRecord];
  cancelled: [job: JobRecord];
  /** A running job found orphaned (its process died) and put back in the queue. */
  recovered: [job: JobRecord];
  idle: [];
}

export function isFinal(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}
