/**
 * `npm run bench [-- SECTION ...]`: every benchmark in one run on this machine, against the ffmpeg
 * baselines measured in the same run, written to BENCHMARKS.md. Sections: foundation,
 * denoise-audio, captions, and any later capability that provides bench/<name>.ts.
 */
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ffmpegBinary, ffmpegFeatures } from '../core/media/ffmpeg-binaries.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Section id -> module file and exported function. */
const SECTIONS: Array<{ id: string; file: string; fn: string }> = [
  { id: 'foundation', file: 'foundation.ts', fn: 'benchFoundation' },
  { id: 'denoise-audio', file: 'denoise-audio.ts', fn: 'benchDenoiseAudio' },
  { id: 'captions', file: 'captions.ts', fn: 'benchCaptions' },
  { id: 'stabilize', file: 'stabilize.ts', fn: 'benchStabilize' },
  { id: 'stabilize-more', file: 'stabilize-more.ts', fn: 'benchStabilizeMore' },
  { id: 'stabilize-render', file: 'stabilize-render.ts', fn: 'benchStabilizeRender' },
  { id: 'denoise-video', file: 'denoise-video.ts', fn: 'benchDenoiseVideo' },
  { id: 'watch', file: 'watch.ts', fn: 'benchWatch' },
];

const wanted = process.argv.slice(2);
const parts: string[] = [];
for (const s of SECTIONS) {
  if (wanted.length && !wanted.includes(s.id)) continue;
  const file = path.join(root, 'bench', s.file);
  if (!existsSync(file)) continue;
  process.stderr.write(`bench: ${s.id}...\n`);
  const t = performance.now();
  const mod = (await import(pathToFileURL(file).href)) as Record<string, () => Promise<string>>;
  parts.push((await mod[s.fn]()).trim());
  process.stderr.write(`bench: ${s.id} done in ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
}

const f = await ffmpegFeatures();
const cpu = os.cpus();
const md = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}. Every number below comes from the same run on the same machine; ffmpeg baselines ran in that run too.

- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}, Node ${process.version}
- ffmpeg: ${f.version} (${ffmpegBinary().source}: ${path.relative(root, ffmpegBinary().path)})
- Real media comes from Debian packages (scripts/fetch-media.ts, pinned by sha256).

${parts.join('\n\n')}
`;
const out = path.join(root, wanted.length ? `BENCHMARKS.partial.md` : 'BENCHMARKS.md');
writeFileSync(out, md);
process.stderr.write(`wrote ${path.relative(root, out)}\n`);
