/**
 * Typed errors. Every error the engine raises on purpose is a ClearcutError with a stable
 * `code` (for JSON output and the UI), the file it concerns, and a sentence a person can act on.
 */
export type ErrorCode =
  // input problems
  | 'FILE_NOT_FOUND'
  | 'IS_DIRECTORY'
  | 'EMPTY_FILE'
  | 'NOT_MEDIA'
  | 'CORRUPT_MEDIA'
  | 'NO_VIDEO_STREAM'
  | 'NO_AUDIO_STREAM'
  | 'UNSUPPORTED_PIXEL_FORMAT'
  | 'FRAME_TOO_LARGE'
  | 'INPUT_NOT_READABLE'
  // output problems
  | 'OUTPUT_IS_INPUT'
  | 'OUTPUT_EXISTS'
  | 'OUTPUT_NOT_WRITABLE'
  | 'OUTPUT_FORMAT_UNSUPPORTED'
  | 'DISK_FULL'
  // engine and environment
  | 'FFMPEG_NOT_FOUND'
  | 'FFMPEG_FAILED'
  | 'FFMPEG_FEATURE_MISSING'
  | 'STAGE_NOT_AVAILABLE'
  | 'MODEL_MISSING'
  | 'MODEL_CORRUPT'
  | 'DEVICE_UNAVAILABLE'
  | 'BAD_USAGE'
  // several inputs in one command: some of them failed (each failure was reported on its own)
  | 'BATCH_INCOMPLETE'
  | 'CANCELLED';

export class ClearcutError extends Error {
  readonly code: ErrorCode;
  /** The file the problem concerns, when there is one. */
  readonly file?: string;
  /** Extra facts for logs and JSON output (never needed to understand the message). */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { file?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = opts.file;
    this.details = opts.details;
  }

  /** Plain object for JSON lines and IPC. */
  toJSON(): { name: string; code: ErrorCode; message: string; file?: string; details?: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, file: this.file, details: this.details };
  }
}

/** Something is wrong with an input file. */
export class MediaError extends ClearcutError {}
/** The output cannot be written where the user asked. */
export class OutputError extends ClearcutError {}
/** ffmpeg, a model or a device is missing or failed. */
export class EngineError extends ClearcutError {}
/** The request itself is wrong (flags, presets, settings). */
export class UsageError extends ClearcutError {
  constructor(message: string, opts: { file?: string; details?: Record<string, unknown> } = {}) {
    super('BAD_USAGE', message, opts);
  }
}
/** The user or a caller cancelled the work. */
export class CancelledError extends ClearcutError {
  constructor(message = 'Cancelled.') {
    super('CANCELLED', message);
  }
}

export function isClearcutError(e: unknown): e is ClearcutError {
  return e instanceof ClearcutError;
}

/** Turn anything thrown into a ClearcutError so callers can rely on `code`. */
export function toClearcutError(e: unknown): ClearcutError {
  if (e instanceof ClearcutError) return e;
  if (e instanceof Error && e.name === 'AbortError') return new CancelledError();
  const message = e instanceof Error ? e.message : String(e);
  return new EngineError('FFMPEG_FAILED', message, { cause: e });
}

/** Throw CancelledError if the signal is aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}
