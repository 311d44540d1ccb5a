// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- better-sqlite3 ships no types; this ambient declaration must load with the store in every tsconfig.
/// <reference path="./better-sqlite3.d.ts" />
/**
 * The persistent job store: one SQLite file (WAL, busy timeout) that any number of processes on
 * this machine may share. Every state change is one short transaction, and a job is claimed with
 * `BEGIN IMMEDIATE` + a conditional update, so two workers never take the same job.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database, { type Db } from 'better-sqlite3';
import type { Device } from '../models/session.js';
import type { Preset } from '../presets/presets.js';
import { jobId } from './fingerprint.js';
import type { JobAttempt, JobRecord, JobSpec, JobState } from './job.js';

interface Row {
  id: string;
  fingerprint: string;
  input: string;
  output: string;
  preset_json: string;
  device: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_after: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  lease_owner: string | null;
  lease_expires: number | null;
  progress: number | null;
  eta: number | null;
  error_code: string | null;
  error_message: string | null;
  report_path: string | null;
  history_json: string;
  meta_json: string;
  lane: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT NOT NULL,
  preset_json TEXT NOT NULL,
  device TEXT NOT NULL DEFAULT 'cpu',
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  run_after INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  lease_owner TEXT,
  lease_expires INTEGER,
  progress REAL,
  eta REAL,
  error_code TEXT,
  error_message TEXT,
  report_path TEXT,
  history_json TEXT NOT NULL DEFAULT '[]',
  meta_json TEXT NOT NULL DEFAULT '{}',
  lane TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, run_after, created_at);
CREATE INDEX IF NOT EXISTS jobs_output ON jobs(output);
CREATE TABLE IF NOT EXISTS file_fingerprints (
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  fingerprint TEXT NOT NULL
);
`;

/** Where jobs live unless told otherwise: $CLEARCUT_JOBS_DB, else the user's data folder. */
export interface RetryOptions {
  /** Queue a done job again too. */
  done?: boolean;
  meta?: Record<string, unknown>;
  device?: Device;
}

export function defaultJobsDbPath(): string {
  if (process.env.CLEARCUT_JOBS_DB) return process.env.CLEARCUT_JOBS_DB;
  const home = os.homedir();
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'));
  return path.join(base, 'clearcut', 'jobs.sqlite');
}

const now = (): string => new Date().toISOString();

function toRecord(r: Row): JobRecord {
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    input: r.input,
    output: r.output,
    preset: JSON.parse(r.preset_json) as Preset,
    device: r.device as Device,
    state: r.state as JobState,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAfter: r.run_after,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at ?? undefined,
    leaseOwner: r.lease_owner ?? undefined,
    leaseExpires: r.lease_expires ?? undefined,
    progress: r.progress ?? undefined,
    eta: r.eta,
    errorCode: r.error_code ?? undefined,
    errorMessage: r.error_message ?? undefined,
    reportPath: r.report_path ?? undefined,
    history: JSON.parse(r.history_json) as JobAttempt[],
    meta: JSON.parse(r.meta_json) as Record<string, unknown>,
    lane: r.lane ?? undefined,
  };
}

export class SqliteJobStore {
  readonly file: string;
  private readonly db: Db;

  constructor(file = defaultJobsDbPath()) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    // Files made before lanes existed get the column (NULL: the default lane).
    const columns = this.db.prepare<{ name: string }>('PRAGMA table_info(jobs)').all();
    if (!columns.some((c) => c.name === 'lane')) this.db.exec('ALTER TABLE jobs ADD COLUMN lane TEXT');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get(id: string): JobRecord | undefined {
    const r = this.db.prepare<Row>('SELECT * FROM jobs WHERE id = ?').get(id);
    return r && toRecord(r);
  }

  /** A job by its id or a unique prefix of it (as typed on the command line). */
  find(idOrPrefix: string): JobRecord[] {
    return this.db.prepare<Row>('SELECT * FROM jobs WHERE id LIKE ? ORDER BY created_at').all(`${idOrPrefix.replace(/[%_]/g, '')}%`).map(toRecord);
  }

  /** Jobs, oldest first; `lane` (null: the default lane) narrows to one lane. */
  list(filter: { state?: JobState; lane?: string | null } = {}): JobRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.lane !== undefined) {
      where.push('lane IS ?');
      params.push(filter.lane);
    }
    const sql = `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at`;
    return this.db.prepare<Row>(sql).all(...params).map(toRecord);
  }

  /** Jobs per state, in all lanes or in one (null: the default lane). */
  counts(filter: { lane?: string | null } = {}): Record<JobState, number> {
    const out: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    const rows =
      filter.lane !== undefined
        ? this.db.prepare<{ state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs WHERE lane IS ? GROUP BY state').all(filter.lane)
        : this.db.prepare<{ state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all();
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  /** Add a job unless one with the same id exists. Returns the stored job and whether it is new. */
  add(spec: JobSpec, opts: { maxAttempts?: number } = {}): { job: JobRecord; created: boolean } {
    const id = jobId(spec.fingerprint, spec.preset, spec.variant);
    const t = now();
    const res = this.db
      .prepare(
        `INSERT OR IGNORE INTO jobs (id, fingerprint, input, output, preset_json, device, state, max_attempts, run_after, created_at, updated_at, meta_json, lane)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?, ?)`,
      )
      .run(id, spec.fingerprint, spec.input, spec.output, JSON.stringify(spec.preset), spec.device ?? 'cpu', opts.maxAttempts ?? 3, t, t, JSON.stringify(spec.meta ?? {}), spec.lane ?? null);
    return { job: this.get(id)!, created: res.changes === 1 };
  }

  /** True when a job other than `exceptId` that may still write it already names this output. */
  outputClaimed(output: string, exceptId?: string): boolean {
    const r = this.db.prepare<{ id: string }>("SELECT id FROM jobs WHERE output = ? AND state IN ('queued','running','done') AND id != ? LIMIT 1").get(output, exceptId ?? '');
    return !!r;
  }

  /**
   * Take the oldest due queued job of `lane` (default: the default lane) for `owner`, with a lease
   * until `leaseExpires`. Atomic across processes: the update only succeeds while the row is still queued.
   */
  claim(owner: string, leaseMs: number, device?: Device, lane?: string): JobRecord | undefined {
    const tx = this.db.transaction(() => {
      const t = Date.now();
      const r = this.db.prepare<Row>("SELECT * FROM jobs WHERE state = 'queued' AND run_after <= ? AND lane IS ? ORDER BY created_at LIMIT 1").get(t, lane ?? null);
      if (!r) return undefined;
      const job = toRecord(r);
      const attempt: JobAttempt = { attempt: job.attempts + 1, owner, device: device ?? job.device, startedAt: new Date(t).toISOString() };
      const history = [...job.history, attempt];
      const changed = this.db
        .prepare(
          `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires = ?, updated_at = ?, progress = 0, eta = NULL,
           device = ?, history_json = ? WHERE id = ? AND state = 'queued'`,
        )
        .run(owner, t + leaseMs, attempt.startedAt, attempt.device, JSON.stringify(history), job.id).changes;
      return changed ? this.get(job.id) : undefined;
    });
    return tx.immediate();
  }

  /** Extend the lease. False when the job is no longer ours to run (cancelled, or taken over). */
  heartbeat(id: string, owner: string, leaseMs: number, progress?: { fraction: number; eta: number | null }): boolean {
    const res = this.db
      .prepare("UPDATE jobs SET lease_expires = ?, progress = COALESCE(?, progress), eta = COALESCE(?, eta) WHERE id = ? AND lease_owner = ? AND state = 'running'")
      .run(Date.now() + leaseMs, progress?.fraction ?? null, progress?.eta ?? null, id, owner);
    return res.changes === 1;
  }

  /** Record the end of the running attempt and move the job to `state`; only its lease holder may. */
  finish(
    id: string,
    owner: string,
    state: JobState,
    fields: { outcome: NonNullable<JobAttempt['outcome']>; code?: string; message?: string; runAfter?: number; device?: Device; reportPath?: string; attemptsDelta?: number },
  ): JobRecord | undefined {
    const tx = this.db.transaction(() => {
      const job = this.get(id);
      if (!job || job.leaseOwner !== owner || job.state !== 'running') return undefined;
      const t = now();
      const history = job.history.map((a, i) => (i === job.history.length - 1 ? { ...a, endedAt: t, outcome: fields.outcome, code: fields.code, message: fields.message } : a));
      this.db
        .prepare(
          `UPDATE jobs SET state = ?, updated_at = ?, finished_at = ?, lease_owner = NULL, lease_expires = NULL, run_after = ?, device = ?,
           error_code = ?, error_message = ?, report_path = COALESCE(?, report_path), history_json = ?, attempts = attempts + ?,
           progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END WHERE id = ?`,
        )
        .run(
          state,
          t,
          state === 'queued' ? null : t,
          fields.runAfter ?? 0,
          fields.device ?? job.device,
          state === 'done' ? null : (fields.code ?? null),
          state === 'done' ? null : (fields.message ?? null),
          fields.reportPath ?? null,
          JSON.stringify(history),
          fields.attemptsDelta ?? 0,
          state,
          id,
        );
      return this.get(id);
    });
    return tx.immediate();
  }

  setReportPath(id: string, reportPath: string): void {
    this.db.prepare('UPDATE jobs SET report_path = ? WHERE id = ?').run(reportPath, id);
  }

  /**
   * Put back running jobs whose holder is gone: its lease expired, or it was a process on this host
   * that no longer runs. The interrupted try stays in the history (and counts as a try).
   */
  recoverOrphans(isOwnerAlive: (owner: string) => boolean): JobRecord[] {
    const tx = this.db.transaction(() => {
      const t = Date.now();
      const out: JobRecord[] = [];
      for (const r of this.db.prepare<Row>("SELECT * FROM jobs WHERE state = 'running'").all()) {
        const job = toRecord(r);
        const expired = (job.leaseExpires ?? 0) < t;
        if (!expired && job.leaseOwner && isOwnerAlive(job.leaseOwner)) continue;
        const history = job.history.map((a, i) =>
          i === job.history.length - 1 && !a.endedAt ? { ...a, endedAt: new Date(t).toISOString(), outcome: 'interrupted' as const, message: expired ? 'lease expired' : 'its process is gone' } : a,
        );
        const exhausted = job.attempts >= job.maxAttempts;
        this.db
          .prepare('UPDATE jobs SET state = ?, lease_owner = NULL, lease_expires = NULL, run_after = 0, updated_at = ?, finished_at = ?, error_code = ?, error_message = ?, history_json = ? WHERE id = ?')
          .run(
            exhausted ? 'failed' : 'queued',
            new Date(t).toISOString(),
            exhausted ? new Date(t).toISOString() : null,
            exhausted ? 'INTERRUPTED' : null,
            exhausted ? `Interrupted ${job.attempts} time(s) (the process running it died); giving up.` : null,
            JSON.stringify(history),
            job.id,
          );
        out.push(this.get(job.id)!);
      }
      return out;
    });
    return tx.immediate();
  }

  /**
   * Queue a failed or cancelled job again, with a fresh set of tries; with `done`, a done job too
   * (the app exporting the same thing again over a deleted or overwritable output). `meta` is merged
   * into the job's meta (settings that are not part of the id, such as the app's overwrite choice);
   * `device` replaces the device it runs on (the app's device choice, also not part of the id).
   */
  retry(id: string, opts: RetryOptions = {}): JobRecord | undefined {
    const tx = this.db.transaction(() => {
      const job = this.get(id);
      if (!job || !(job.state === 'failed' || job.state === 'cancelled' || (opts.done && job.state === 'done'))) return undefined;
      this.db
        .prepare("UPDATE jobs SET state = 'queued', attempts = 0, run_after = 0, error_code = NULL, error_message = NULL, finished_at = NULL, updated_at = ?, meta_json = ?, device = ? WHERE id = ? AND state = ?")
        .run(now(), JSON.stringify({ ...job.meta, ...opts.meta }), opts.device ?? job.device, id, job.state);
      return this.get(id);
    });
    return tx.immediate();
  }

  /**
   * Cancel a queued or running job. A running job's worker sees the change at its next heartbeat
   * and aborts the export (which leaves no output).
   */
  cancel(id: string): JobRecord | undefined {
    const res = this.db
      .prepare("UPDATE jobs SET state = 'cancelled', lease_owner = NULL, lease_expires = NULL, finished_at = ?, updated_at = ?, error_code = 'CANCELLED', error_message = 'Cancelled by the user.' WHERE id = ? AND state IN ('queued','running')")
      .run(now(), now(), id);
    return res.changes ? this.get(id) : undefined;
  }

  /** A cached fingerprint for a path whose size and mtime have not changed. */
  cachedFingerprint(file: string, size: number, mtimeMs: number): string | undefined {
    return this.db.prepare<{ fingerprint: string }>('SELECT fingerprint FROM file_fingerprints WHERE path = ? AND size = ? AND mtime_ms = ?').get(file, size, mtimeMs)?.fingerprint;
  }

  rememberFingerprint(file: string, size: number, mtimeMs: number, fingerprint: string): void {
    this.db.prepare('INSERT OR REPLACE INTO file_fingerprints (path, size, mtime_ms, fingerprint) VALUES (?, ?, ?, ?)').run(file, size, mtimeMs, fingerprint);
  }
}
