/**
 * Which files a watch folder takes. Hidden files, files that copy tools and editors write while
 * working, our own outputs and files that are not video or audio are skipped, each with a reason
 * that goes to the log. A file with a media extension that is not really media is not skipped: it
 * becomes a job that fails with NOT_MEDIA or CORRUPT_MEDIA, so the reason is in its report.
 */
import path from 'node:path';

export const MEDIA_EXTENSIONS = new Set([
  // video
  'mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'mts', 'm2ts', 'ts', 'mxf', '3gp', 'mpg', 'mpeg', 'wmv', 'flv', 'dv', 'insv', 'lrv',
  // audio
  'wav', 'm4a', 'mp3', 'flac', 'ogg', 'opus', 'aac', 'aif', 'aiff', 'wma',
]);

/** Names that copy tools, browsers and editors use for files still being written. */
const TEMPORARY = [/\.(tmp|temp|part|partial|crdownload|download|opdownload|filepart|swp|swx|!ut|sb-\w+)$/i, /~$/, /^~\$/, /\.clearcut-partial-/];

export type SkipReason = 'hidden' | 'temporary' | 'our-output' | 'not-media';

export interface SkipVerdict {
  reason: SkipReason;
  message: string;
}

/** Why `relPath` (relative to the watch root) is skipped, or undefined when it is a candidate. */
export function skipReason(relPath: string, outputPattern: RegExp): SkipVerdict | undefined {
  const parts = relPath.split(/[\\/]/);
  const base = parts[parts.length - 1];
  if (parts.some((p) => p.startsWith('.'))) return { reason: 'hidden', message: 'hidden file or folder' };
  if (TEMPORARY.some((re) => re.test(base))) return { reason: 'temporary', message: 'temporary file (still being written by another program)' };
  if (outputPattern.test(base)) return { reason: 'our-output', message: 'looks like a Clearcut output (matches the naming template)' };
  const ext = path.extname(base).slice(1).toLowerCase();
  if (!MEDIA_EXTENSIONS.has(ext)) return { reason: 'not-media', message: ext ? `not a video or audio file (.${ext})` : 'not a video or audio file (no extension)' };
  return undefined;
}
