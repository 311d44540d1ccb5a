import { isClearcutError, type ClearcutError } from '../core/common/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT, the shell convention for "stopped by Ctrl-C". */
export const EXIT_CANCELLED = 130;

export function exitCodeFor(e: unknown): number {
  if (!isClearcutError(e)) return EXIT_FAILURE;
  const err = e as ClearcutError;
  if (err.code === 'BAD_USAGE') return EXIT_USAGE;
  if (err.code === 'CANCELLED') return EXIT_CANCELLED;
  return EXIT_FAILURE;
}
