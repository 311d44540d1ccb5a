/**
 * Whole-clip motion analysis with a cache keyed by the input's content hash, so a re-export at
 * another strength or border mode does not decode and track the clip again (issue 5, step 1).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { throwIfAborted } from '../../common/errors.js';
import { readVideoFrames } from '../../media/frame-reader.js';
import type { MediaInfo } from '../../media/media-info.js';
import { rawFormat } from '../../media/pixel-formats.js';
import { PROJECT_ROOT } from '../../models/manifest.js';
import type { Device } from '../../models/session.js';
import { MotionAnalyzer } from './flow-fallback.js';
import { analysisSize, type FrameMotion } from './motion.js';

/** Bump when the estimator changes, so stale caches are not reused. */
export const MOTION_ALGORITHM_VERSION = 5;

export interface ClipMotion {
  version: number;
  /** sha256 of the input file's bytes. */
  contentHash: string;
  analysisWidth: number;
  analysisHeight: number;
  /** One entry per decoded frame; entry t is the motion from frame t-1 to t (entry 0 is identity). */
  frames: FrameMotion[];
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  report?: (done: number, total: number) => void;
  /** Folder for cached motion; default CLEARCUT_CACHE_DIR/motion, else .cache/motion of the project. */
  cacheDir?: string;
  /** Set false to always re-analyse (and not write the cache). */
  useCache?: boolean;
  analysisWidth?: number;
  /** Where the learned optical flow runs, for frames that feature tracking cannot measure. */
  device?: Device;
  /** Set false to leave such frames unmeasured (the tracker alone); implies no cache. */
  learnedFlow?: boolean;
}

export function motionCacheDir(): string {
  return process.env.CLEARCUT_CACHE_DIR ? path.join(process.env.CLEARCUT_CACHE_DIR, 'motion') : path.join(PROJECT_ROOT, '.cache', 'motion');
}

export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Motion of every frame of `media`'s video, from the cache when this content was analysed before. */
export async function analyzeClipMotion(media: MediaInfo, opts: AnalyzeOptions = {}): Promise<ClipMotion> {
  const video = media.video!;
  const size = analysisSize(video.width, video.height, opts.analysisWidth);
  const contentHash = await hashFile(media.file, opts.signal);
  const dir = opts.cacheDir ?? motionCacheDir();
  const cacheFile = path.join(dir, `${contentHash}-v${MOTION_ALGORITHM_VERSION}-${size.width}x${size.height}.json`);
  const useCache = opts.useCache !== false && opts.learnedFlow !== false;
  if (useCache && existsSync(cacheFile)) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as ClipMotion;
      if (cached.version === MOTION_ALGORITHM_VERSION && cached.contentHash === contentHash && Array.isArray(cached.frames)) {
        opts.report?.(cached.frames.length, cached.frames.length);
        return cached;
      }
    } catch {
      // A damaged cache entry is simply recomputed.
    }
  }
  const stream = await readVideoFrames(media, { scale: size, format: rawFormat('gray'), signal: opts.signal });
  const estimator = await MotionAnalyzer.create(size.width, size.height, { device: opts.device, learnedFlow: opts.learnedFlow });
  const frames: FrameMotion[] = [];
  const total = Math.max(1, video.frameCount);
  try {
    for await (const f of stream.frames) {
      throwIfAborted(opts.signal);
      frames.push(await estimator.push(f.data));
      for (const r of estimator.takeRevisions()) frames[r.frame] = r.motion;
      f.release?.();
      if (frames.length % 10 === 0) opts.report?.(frames.length, Math.max(total, frames.length));
    }
    for (const r of estimator.takeRevisions(true)) frames[r.frame] = r.motion;
  } finally {
    await estimator.dispose();
  }
  opts.report?.(frames.length, frames.length);
  const result: ClipMotion = { version: MOTION_ALGORITHM_VERSION, contentHash, analysisWidth: size.width, analysisHeight: size.height, frames };
  if (useCache) {
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(result));
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only cache folder only costs a re-analysis next time.
    }
  }
  return result;
}
