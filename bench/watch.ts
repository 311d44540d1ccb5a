/**
 * Watch folder throughput and queue overhead: a folder of 20 short clips through `clearcut watch
 * --once` (a real CLI process, as a user runs it) at concurrency 1 and 2, against the same exports
 * run back to back in one process with no queue; and the cost of the queue alone (claim, lease,
 * heartbeat, finish, report) per job with a runner that does nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReportWriter } from '../core/jobs/export-job.js';
import { LocalJobQueue } from '../core/jobs/job-queue.js';
import { SqliteJobStore } from '../core/jobs/sqlite-store.js';
import { ffmpegBinary } from '../core/media/ffmpeg-binaries.js';
import { runExport } from '../core/pipeline/run-export.js';
import { PresetSchema } from '../core/presets/presets.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIPS = 20;
const SECONDS = 2;
const SIZE = '640x360';
/** Re-encode (H.264 veryfast) so each job does real work; `default` would only copy the video. */
const PRESET = { name: 'bench-h264', encoder: { codec: 'h264', speed: 'veryfast' } };

function makeClips(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < CLIPS; i++) {
    const f = path.join(dir, `clip${String(i).padStart(2, '0')}.mp4`);
    if (!existsSync(f)) {
      execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${SIZE}:r=30`, '-f', 'lavfi', '-i', `sine=f=${200 + 20 * i}:r=48000`, '-t', String(SECONDS), '-vf', `hue=h=${i * 17}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', `${f}.tmp.mp4`]);
      execFileSync('mv', [`${f}.tmp.mp4`, f]);
    }
    files.push(f);
  }
  return files;
}

/** Seconds for `clearcut watch --once` over a fresh copy of the clips. */
function timeWatch(clips: string[], work: string, concurrency: number): { seconds: number; done: number } {
  const input = path.join(work, `in-c${concurrency}`);
  const out = path.join(work, `out-c${concurrency}`);
  rmSync(input, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(input, { recursive: true });
  for (const c of clips) copyFileSync(c, path.join(input, path.basename(c)));
  const presetFile = path.join(work, 'preset.json');
  writeFileSync(presetFile, JSON.stringify(PRESET));
  // A fresh job database: an old one would (rightly) treat every clip as already done.
  const db = path.join(work, `jobs-c${concurrency}.sqlite`);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'clearcut.js'), 'watch', input, '--out', out, '--preset', presetFile, '--concurrency', String(concurrency), '--once', '--stable-ms', '100', '--json'], {
    env: { ...process.env, CLEARCUT_JOBS_DB: db },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t) / 1000;
  const summary = r.stdout.split('\n').filter((l) => l.includes('"summary"')).map((l) => JSON.parse(l))[0];
  if (!summary) throw new Error(`watch failed: ${r.stderr}`);
  return { seconds, done: summary.done };
}

/** Seconds for the same exports run one after another in this process, with no queue. */
async function timeDirect(clips: string[], work: string): Promise<number> {
  const out = path.join(work, 'out-direct');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const t = performance.now();
  for (const c of clips) await runExport({ input: c, output: path.join(out, path.basename(c)), codec: 'h264', preset: 'veryfast' });
  return (performance.now() - t) / 1000;
}

/** Milliseconds of queue bookkeeping per job (SQLite claim, lease, finish, JSON report), no export. */
async function queueOverheadMs(work: string, jobs = 200): Promise<number> {
  const db = path.join(work, 'overhead.sqlite');
  rmSync(db, { force: true });
  const store = new SqliteJobStore(db);
  const preset = PresetSchema.parse(PRESET);
  const reports = path.join(work, 'overhead-reports');
  const q = new LocalJobQueue(store, async () => ({}), { pollMs: 50, writeReport: createReportWriter({ dir: reports }) });
  for (let i = 0; i < jobs; i++) await q.submit({ fingerprint: `bench:${i}`, input: `/bench/in/${i}.mp4`, output: `/bench/out/${i}.mp4`, preset });
  const t = performance.now();
  q.start();
  await q.whenIdle();
  const ms = (performance.now() - t) / jobs;
  await q.stop();
  store.close();
  return ms;
}

export async function benchWatch(): Promise<string> {
  const work = path.join(root, '.cache', 'bench', 'watch');
  const clips = makeClips(path.join(work, 'clips'));
  const direct = await timeDirect(clips, work);
  const c1 = timeWatch(clips, work, 1);
  const c2 = timeWatch(clips, work, 2);
  const overhead = await queueOverheadMs(work);
  const perHour = (s: number): string => Math.round((CLIPS / s) * 3600).toLocaleString('en-US');
  const row = (label: string, s: number, done: number | string): string => `| ${label} | ${done} | ${s.toFixed(1)} | ${(s / CLIPS).toFixed(2)} | ${perHour(s)} |`;
  return `## Watch folder and job queue

${CLIPS} clips of ${SECONDS} s, ${SIZE} 30 fps H.264 + AAC, re-encoded with H.264 \`veryfast\` (preset \`${JSON.stringify(PRESET.encoder)}\`), on ${os.cpus().length} CPU cores. The watch runs are the real CLI (\`clearcut watch <in> --out <out> --once --stable-ms 100 --concurrency N\`), timed from process start to exit: Node and tsx startup, the initial scan, the 2 × 100 ms "finished copying" checks, fingerprints, SQLite, reports and the log included.

| run | outputs | wall s | s per clip | clips per hour |
|---|---|---|---|---|
${row('exports back to back in one process, no queue', direct, CLIPS)}
${row('clearcut watch --once, concurrency 1', c1.seconds, c1.done)}
${row('clearcut watch --once, concurrency 2', c2.seconds, c2.done)}

Queue overhead: ${overhead.toFixed(2)} ms per job for the queue alone (SQLite claim with a lease, finish, JSON report; 200 jobs with a runner that does nothing). Everything the watch run adds over the bare exports, process startup and stability checks included: ${(((c1.seconds - direct) / CLIPS) * 1000).toFixed(0)} ms per clip at concurrency 1.
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(await benchWatch());
}
