/** Start `clearcut serve` as a child process (built renderer required) and read its address. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CLI, ROOT, workDir } from '../integration/fixtures.js';

export const CHROMIUM = process.env.CLEARCUT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];

export function ensureRendererBuilt(): void {
  if (existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html')) && !process.env.CLEARCUT_REBUILD) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/** `db` is the job database (default: a fresh one, so tests never touch the user's queue). */
export async function startServe(opts: { db?: string } = {}): Promise<{ url: string; db: string; child: ChildProcess; stop: () => Promise<void> }> {
  const db = opts.db ?? path.join(workDir('serve-jobs'), 'jobs.sqlite');
  const child = spawn(process.execPath, [CLI, 'serve', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CLEARCUT_JOBS_DB: db } });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`clearcut serve exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`clearcut serve did not start: ${stderr}`)), 30_000);
  });
  return {
    url,
    db,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
