/**
 * The one place that decides which ffmpeg and ffprobe binaries run.
 * Order: an explicit setting, then CLEARCUT_FFMPEG / CLEARCUT_FFPROBE, then the binaries bundled
 * through @ffmpeg-installer/@ffprobe-installer, then whatever is on PATH.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineError } from '../common/errors.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export type BinarySource = 'setting' | 'env' | 'bundled' | 'path';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

export interface MediaSettings {
  /** Explicit ffmpeg path (app setting or --ffmpeg). Wins over everything else. */
  ffmpegPath?: string;
  ffprobePath?: string;
}

let settings: MediaSettings = {};
const cache = new Map<string, ResolvedBinary>();

/** Set explicit binary paths (from app settings or CLI flags). Clears the resolution cache. */
export function configureMedia(next: MediaSettings): void {
  settings = { ...next };
  cache.clear();
  featureCache.clear();
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function bundledPath(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string | undefined {
  try {
    const mod = require(pkg) as { path?: string };
    // Inside a packaged Electron app the binary lives next to the asar archive, not in it.
    const p = mod.path?.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    return p && isExecutable(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

function onPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function resolve(tool: 'ffmpeg' | 'ffprobe'): ResolvedBinary {
  const hit = cache.get(tool);
  if (hit) return hit;
  const explicit = tool === 'ffmpeg' ? settings.ffmpegPath : settings.ffprobePath;
  const env = tool === 'ffmpeg' ? process.env.CLEARCUT_FFMPEG : process.env.CLEARCUT_FFPROBE;
  let found: ResolvedBinary | undefined;
  if (explicit) {
    if (!existsSync(explicit) || !isExecutable(explicit)) {
      throw new EngineError('FFMPEG_NOT_FOUND', `The ${tool} set in settings is not an executable file: ${explicit}`, { file: explicit });
    }
    found = { path: explicit, source: 'setting' };
  } else if (env) {
    const envName = tool === 'ffmpeg' ? 'CLEARCUT_FFMPEG' : 'CLEARCUT_FFPROBE';
    if (!isExecutable(env)) throw new EngineError('FFMPEG_NOT_FOUND', `${envName} points to ${env}, which is not an executable file.`, { file: env });
    found = { path: env, source: 'env' };
  } else {
    const bundled = bundledPath(tool === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe');
    if (bundled) found = { path: bundled, source: 'bundled' };
    else {
      const p = onPath(tool);
      if (p) found = { path: p, source: 'path' };
    }
  }
  if (!found) {
    throw new EngineError('FFMPEG_NOT_FOUND', `No ${tool} found: set CLEARCUT_${tool.toUpperCase()}, reinstall with npm install, or put ${tool} on PATH.`);
  }
  cache.set(tool, found);
  return found;
}

export const ffmpegBinary = (): ResolvedBinary => resolve('ffmpeg');
export const ffprobeBinary = (): ResolvedBinary => resolve('ffprobe');

export interface FfmpegFeatures {
  version: string;
  /** Major version number, e.g. 4 for 4.1 or for a 2018 git snapshot. */
  major: number;
  filters: Set<string>;
  encoders: Set<string>;
}

const featureCache = new Map<string, Promise<FfmpegFeatures>>();

/** Parse "ffmpeg version 5.1.6-0+deb12u1" or a snapshot "N-47683-g0e8eb07980-static" with its libavformat line. */
export function parseFfmpegVersion(text: string): { version: string; major: number } {
  const version = /ffmpeg version (\S+)/.exec(text)?.[1] ?? 'unknown';
  const numeric = /^n?(\d+)\.(\d+)/.exec(version);
  if (numeric) return { version, major: Number(numeric[1]) };
  // Git snapshots: infer from libavformat's major (58 = 4.x, 59 = 5.x, 60 = 6.x, 61 = 7.x).
  const lavf = /libavformat\s+(\d+)\./.exec(text);
  const majorByLavf: Record<number, number> = { 57: 3, 58: 4, 59: 5, 60: 6, 61: 7, 62: 8 };
  return { version, major: lavf ? (majorByLavf[Number(lavf[1])] ?? 0) : 0 };
}

/** Names in the first column after the flags of `ffmpeg -filters` / `-encoders`. */
export function parseCapabilityList(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*[A-Z.|]{3,6}\s+(\S+)\s/.exec(line);
    if (m && m[1] !== '=') names.add(m[1]);
  }
  return names;
}

/** Version, filters and encoders of the resolved ffmpeg (cached per binary path). */
export function ffmpegFeatures(): Promise<FfmpegFeatures> {
  const bin = ffmpegBinary().path;
  let p = featureCache.get(bin);
  if (!p) {
    p = (async () => {
      const opts = { maxBuffer: 16 * 1024 * 1024 };
      const [v, f, e] = await Promise.all([
        run(bin, ['-hide_banner', '-version'], opts),
        run(bin, ['-hide_banner', '-filters'], opts),
        run(bin, ['-hide_banner', '-encoders'], opts),
      ]);
      return { ...parseFfmpegVersion(v.stdout), filters: parseCapabilityList(f.stdout), encoders: parseCapabilityList(e.stdout) };
    })();
    featureCache.set(bin, p);
  }
  return p;
}
