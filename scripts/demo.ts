/**
 * `npm run demo`: build a shaky, noisy, spoken sample clip from the bundled speech fixture and
 * ffmpeg test sources, then export it with every stage this version has, through the real CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegBinary } from '../core/media/ffmpeg-binaries.js';
import { CAPABILITIES } from '../core/stages/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'demo-output');
mkdirSync(outDir, { recursive: true });
const sample = path.join(outDir, 'sample-shaky-noisy.mp4');
const speech = path.join(root, 'test', 'fixtures', 'speech', 'vad-speech-librivox-0880.wav');

console.log('Building the sample clip (8 s, 1280x720, handheld shake, sensor noise, speech over fan noise)...');
// Shake: a crop window that wanders like a hand-held phone (after ../shared/MEDIA.md); noise: temporal grain.
const shake = "crop=w=iw-96:h=ih-96:x='48+18*sin(2*PI*1.3*t)+8*sin(2*PI*3.7*t+1)':y='48+14*sin(2*PI*1.1*t+2)+6*sin(2*PI*4.3*t)',scale=1280:720,noise=alls=14:allf=t+u,format=yuv420p";
execFileSync(ffmpegBinary().path, [
  '-hide_banner', '-loglevel', 'error', '-y',
  '-f', 'lavfi', '-i', 'testsrc2=s=1376x816:r=30',
  '-i', speech,
  '-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.06:seed=3',
  '-filter_complex', `[0:v]${shake}[v];[1:a]adelay=1500|1500,apad,volume=0.5[s];[s][2:a]amix=inputs=2:duration=first[a]`,
  '-map', '[v]', '-map', '[a]', '-t', '8', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-c:a', 'aac', '-ar', '48000', sample,
]);

const available = CAPABILITIES.filter((c) => c.available).map((c) => c.id);
const missing = CAPABILITIES.filter((c) => !c.available).map((c) => c.id);
const out = path.join(outDir, 'sample_clean.mp4');
// Captions are burned in and written as SRT/WebVTT sidecars; the other stages take their defaults.
const flagFor = (c: string): string[] => (c === 'captions' ? ['--captions', 'srt,vtt,burn'] : [`--${c}`]);
const args = ['export', sample, '-o', out, '--overwrite', ...available.flatMap(flagFor)];
console.log(`\n$ clearcut ${args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`);
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'clearcut.js'), ...args], { stdio: 'inherit' });
if (missing.length) console.log(`\nNot in this version yet: ${missing.map((m) => `--${m}`).join(', ')} (they fail clearly if asked for).`);
console.log(`\nSample: ${sample}\nResult: ${out}`);
process.exit(r.status ?? 1);
