/**
 * Cancelling (Ctrl-C) or killing the CLI mid-export leaves no output, no partial file in view
 * and no ffmpeg process behind; a later run in the same folder cleans up after a crash.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, longClip, runCli, workDir } from './fixtures.js';

/** Processes whose command line mentions `needle` (our ffmpeg children name files in the work dir). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(needle) && !cmd.includes('vitest')) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** Start an export and hand back its pid once it reports progress on the encode stage. */
function startExport(input: string, output: string, onEncoding: (pid: number) => void) {
  return startCli(['export', input, '-o', output, '--json', '--speed', 'medium'], path.dirname(output), onEncoding);
}

/** Run the CLI and hand back its pid once both its ffmpeg processes (decoder, encoder) work in `dir`. */
function startCli(args: string[], dir: string, onEncoding: (pid: number) => void) {
  let pid = 0;
  let fired = false;
  return runCli(args, {
    onSpawn: (p) => {
      pid = p;
      const timer = setInterval(() => {
        if (fired) return clearInterval(timer);
        const live = processesMentioning(dir);
        // Both ffmpeg processes (decoder and encoder) are up once two mention the folder.
        if (live.length >= 2) {
          fired = true;
          clearInterval(timer);
          setTimeout(() => onEncoding(pid), 400);
        }
      }, 50);
    },
  });
}

describe.runIf(process.platform === 'linux')('cancel and crash', () => {
  it('Ctrl-C: exit 130, a CANCELLED error line, no output, no partial file, no ffmpeg left', async () => {
    const dir = workDir('cancel');
    const input = path.join(dir, 'in.mp4');
    copyFileSync(longClip(), input);
    const out = path.join(dir, 'out.mp4');
    const r = await startExport(input, out, (pid) => process.kill(pid, 'SIGINT'));
    expect(r.code).toBe(130);
    const lines = jsonLines(r.stdout);
    expect(lines.some((l) => l.type === 'progress')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'error', code: 'CANCELLED' });
    expect(readdirSync(dir)).toEqual(['in.mp4']);
    expect(await waitFor(() => processesMentioning(dir).length === 0, 3000)).toBe(true);
  });

  it('Ctrl-C during a batch stops it: no result for the clip in progress, the next never starts', async () => {
    const dir = workDir('cancel-batch');
    const [a, b] = [path.join(dir, 'a.mp4'), path.join(dir, 'b.mp4')];
    copyFileSync(longClip(), a);
    copyFileSync(longClip(), b);
    const r = await startCli(['export', a, b, '--json', '--speed', 'medium'], dir, (pid) => process.kill(pid, 'SIGINT'));
    expect(r.code).toBe(130);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'error', code: 'CANCELLED' });
    expect(readdirSync(dir).sort()).toEqual(['a.mp4', 'b.mp4']);
    expect(await waitFor(() => processesMentioning(dir).length === 0, 3000)).toBe(true);
  });

  it('killed outright: ffmpeg dies with it, no output appears, and the next run sweeps the partial file', async () => {
    const dir = workDir('crash');
    const input = path.join(dir, 'in.mp4');
    copyFileSync(longClip(), input);
    const out = path.join(dir, 'out.mp4');
    await startExport(input, out, (pid) => process.kill(pid, 'SIGKILL'));
    expect(await waitFor(() => processesMentioning(dir).length === 0, 3000)).toBe(true);
    expect(existsSync(out)).toBe(false);
    const leftovers = readdirSync(dir).filter((f) => f !== 'in.mp4');
    expect(leftovers.every((f) => f.startsWith('.out.mp4.clearcut-partial-'))).toBe(true);
    // The next export into this folder removes what the dead process left.
    const again = await runCli(['export', input, '-o', path.join(dir, 'second.mp4'), '--speed', 'ultrafast']);
    expect(again.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['in.mp4', 'second.mp4']);
  });
});
