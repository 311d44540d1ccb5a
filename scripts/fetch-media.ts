/**
 * Fetch the real dev/benchmark media listed in ../shared/MEDIA.md from Debian packages into the
 * ignored .cache/media, pinned by sha256 so every benchmark run uses the same bytes.
 * Usage: npm run media [-- PACKAGE ...]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MEDIA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'media');

export interface MediaPackage {
  name: string;
  version: string;
  sha256: string;
  /** What we use from it. */
  files: string[];
}

export const MEDIA_PACKAGES: MediaPackage[] = [
  { name: 'opencv-doc', version: '4.6.0+dfsg-12', sha256: '4b12681df35878207ac7097dc66184b2ae552e4bf4ddd2af04a0f03ed0b8682a', files: ['usr/share/doc/opencv-doc/examples/data/vtest.avi'] },
  { name: 'pocketsphinx-testdata', version: '0.8+5prealpha+1-15', sha256: 'eaeb7a01d54f20b799d1a81ef110ec544b2cb47ea006614078220737a33019f0', files: ['usr/share/pocketsphinx/test/data/librivox/transcription'] },
  { name: 'gnome-shell-pomodoro-data', version: '0.22.1-1', sha256: '15a5e49f27b433b2615f4e2ac9878f6d065c1a75b9f31101bd4dbd05f80e1777', files: ['usr/share/gnome-pomodoro/sounds/birds.ogg'] },
  { name: 'python3-mecavideo', version: '8.0~rc5-1', sha256: 'ddbf099d3d5a412ee664a8628d331752b17abb4b857e3a100f694eed9670df78', files: ['usr/share/pymecavideo/data/video/balle-jbart.mp4'] },
  { name: 'forensics-samples-files', version: '1.1.4-5', sha256: '8710c751be1a71a88e343540ea1a5cab1fd349c2bcdf07626a27cfe68689e7c4', files: ['usr/share/forensics-samples/original-files/movie1/VID_20191220_170832.mp4'] },
  { name: 'libdlib19.1', version: '19.24+dfsg-1', sha256: 'f03f46681d43701914ddd38eee42f1d34dc1d12e2f125bd1e3b562f23572b4da', files: ['usr/share/doc/libdlib19.1/examples/video_frames/frame_000100.jpg'] },
];

const sha256 = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

/** Path of a file inside a fetched package, fetching the package first if needed. */
export function mediaFile(pkg: string, file: string): string {
  const p = path.join(MEDIA_DIR, pkg, file);
  if (!existsSync(p)) fetchPackage(MEDIA_PACKAGES.find((m) => m.name === pkg)!);
  return p;
}

export function fetchPackage(pkg: MediaPackage, log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): void {
  const dest = path.join(MEDIA_DIR, pkg.name);
  if (pkg.files.every((f) => existsSync(path.join(dest, f)))) return;
  mkdirSync(MEDIA_DIR, { recursive: true });
  const debName = () => readdirSync(MEDIA_DIR).find((f) => f.startsWith(`${pkg.name}_`) && f.endsWith('.deb'));
  if (!debName()) {
    log(`fetching ${pkg.name}=${pkg.version} from Debian...`);
    const download = () => execFileSync('apt-get', ['download', `${pkg.name}=${pkg.version}`], { cwd: MEDIA_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      download();
    } catch {
      // A fresh machine has no package lists yet.
      execFileSync('apt-get', ['update'], { stdio: 'ignore' });
      download();
    }
  }
  const deb = path.join(MEDIA_DIR, debName()!);
  const got = sha256(deb);
  if (got !== pkg.sha256) {
    rmSync(deb);
    throw new Error(`${pkg.name}: sha256 ${got} does not match the pinned ${pkg.sha256}`);
  }
  execFileSync('dpkg-deb', ['-x', deb, dest]);
  log(`${pkg.name}: ok`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wanted = process.argv.slice(2);
  for (const pkg of MEDIA_PACKAGES) if (!wanted.length || wanted.includes(pkg.name)) fetchPackage(pkg);
}
