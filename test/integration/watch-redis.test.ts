/**
 * The distributed queue: `clearcut watch --redis` feeds, two `clearcut worker --redis` processes
 * run the jobs, one worker is killed with SIGKILL mid-job. The other takes the stalled job over:
 * every input comes out exactly once, no partial file remains, no job finishes twice.
 *
 * Needs Debian's redis-server on PATH (CI: `apt-get install -y redis-server`); the test starts its
 * own instance on a free loopback port with persistence off and stops it afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ffmpeg, fixture, jsonLines, ROOT, runCli, workDir } from './fixtures.js';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

const clip = (i: number): string =>
  fixture(`watch-640x360-2s-${i}.mp4`, (f) =>
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=15', '-f', 'lavfi', '-i', `sine=f=${300 + 50 * i}:r=48000`, '-t', '2', '-vf', `hue=h=${i * 37}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', f]),
  );

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** True when a Redis on this port answers PING. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write('PING\r\n'));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    sock.once('error', () => resolve(false));
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Worker {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exited: Promise<void>;
}

function startWorker(url: string): Worker {
  const child = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--lock-ms', '3000', '--json'], { cwd: ROOT });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...jsonLines(parts.join('\n')));
  });
  child.stderr!.resume();
  return { child, lines, exited: new Promise((r) => child.on('exit', () => r())) };
}

const filesUnder = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort() : []);

describe.runIf(hasRedis && process.platform === 'linux')('clearcut watch --redis with two workers', () => {
  let redis: ChildProcess;
  let url = '';
  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const end = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (Date.now() > end) throw new Error(`redis-server did not answer on port ${port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => {
    redis?.kill('SIGTERM');
  });

  it('a worker killed mid-job: the other takes over, every input comes out exactly once', async () => {
    const dir = workDir('watch-redis');
    const input = path.join(dir, 'in');
    const out = path.join(dir, 'out');
    mkdirSync(input);
    const presetFile = path.join(dir, 'slow.json');
    writeFileSync(presetFile, JSON.stringify({ name: 'slow-h264', encoder: { codec: 'h264', speed: 'veryslow' } }));
    const inputs = [21, 22, 23, 24];
    for (const i of inputs) copyFileSync(clip(i), path.join(input, `clip${i}.mp4`));
    writeFileSync(path.join(input, 'broken.mp4'), readFileSync(clip(21)).subarray(0, 5000));

    const a = startWorker(url);
    const b = startWorker(url);
    await waitFor(() => [a, b].every((w) => w.lines.some((l) => l.event === 'ready')), 30_000);
    const watching = runCli(['watch', input, '--out', out, '--preset', presetFile, '--redis', url, '--once', '--stable-ms', '100', '--json']);
    await waitFor(() => a.lines.some((l) => l.event === 'started'), 60_000);
    await new Promise((r) => setTimeout(r, 400));
    const killedJob = a.lines.filter((l) => l.event === 'started').at(-1)!.job;
    a.child.kill('SIGKILL');
    await a.exited;
    expect(a.lines.some((l) => l.event === 'done' && l.job === killedJob)).toBe(false);

    const r = await watching;
    b.child.kill('SIGINT');
    await b.exited;
    const summary = jsonLines(r.stdout).find((l) => l.type === 'summary');
    expect(summary).toMatchObject({ done: inputs.length, failed: 1 });
    expect(filesUnder(out).filter((f) => !f.startsWith('clearcut-reports') && f !== 'clearcut-watch.log')).toEqual(inputs.map((i) => `clip${i}_clean.mp4`).sort());
    const done = [...a.lines, ...b.lines].filter((l) => l.event === 'done').map((l) => l.job);
    expect(done).toHaveLength(inputs.length);
    expect(new Set(done).size).toBe(inputs.length);
    expect(b.lines.some((l) => l.event === 'done' && l.job === killedJob)).toBe(true);
    const failed = [...a.lines, ...b.lines].filter((l) => l.event === 'failed');
    expect(failed.map((f) => f.code)).toEqual(['CORRUPT_MEDIA']);
  });
});
