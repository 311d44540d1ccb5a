/**
 * Which failures are worth another try, and when. A problem with the input or the request will fail
 * the same way every time, so it fails the job at once with its reason; anything else (ffmpeg
 * dying, a full disk, a device that went away) is tried again with exponential backoff.
 */
import type { Device } from '../models/session.js';

/** Codes that no retry can fix. */
export const PERMANENT_CODES = new Set([
  'FILE_NOT_FOUND',
  'IS_DIRECTORY',
  'EMPTY_FILE',
  'NOT_MEDIA',
  'CORRUPT_MEDIA',
  'NO_VIDEO_STREAM',
  'NO_AUDIO_STREAM',
  'UNSUPPORTED_PIXEL_FORMAT',
  'FRAME_TOO_LARGE',
  'OUTPUT_IS_INPUT',
  'OUTPUT_EXISTS',
  'OUTPUT_FORMAT_UNSUPPORTED',
  'STAGE_NOT_AVAILABLE',
  'BAD_USAGE',
  'FFMPEG_FEATURE_MISSING',
]);

export interface RetryPolicy {
  /** Tries in all, the first included (default 3). */
  maxAttempts: number;
  /** Delay before the second try, doubled for each later one (default 2000 ms). */
  baseDelayMs: number;
  /** Longest delay (default 5 minutes). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 2000, maxDelayMs: 5 * 60_000 };

/** Delay before try `attempt + 1`, after `attempt` tries failed (1-based): base * 2^(attempt-1). */
export function backoffMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** A failure that a CPU run would avoid: the accelerator or its runtime is missing or broken. */
export function isDeviceFailure(code: string, message: string, device: Device): boolean {
  if (device === 'cpu') return false;
  if (code === 'DEVICE_UNAVAILABLE') return true;
  return /\b(cuda|cudnn|coreml|directml|dml|execution provider|out of memory on device|gpu)\b/i.test(message);
}

export type FailureDecision = { action: 'fail' } | { action: 'retry'; delayMs: number } | { action: 'fallback-cpu' };

export function decideAfterFailure(code: string, message: string, device: Device, attempts: number, policy: RetryPolicy = DEFAULT_RETRY): FailureDecision {
  if (code === 'CANCELLED') return { action: 'fail' };
  if (isDeviceFailure(code, message, device)) return { action: 'fallback-cpu' };
  if (PERMANENT_CODES.has(code)) return { action: 'fail' };
  if (attempts >= policy.maxAttempts) return { action: 'fail' };
  return { action: 'retry', delayMs: backoffMs(attempts, policy) };
}
