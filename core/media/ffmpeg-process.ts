/**
 * Spawning ffmpeg/ffprobe, with a registry of running processes so that cancel, exit and
 * crashes never leave one behind.
 *
 * Why spawn directly rather than through fluent-ffmpeg here: frame and PCM piping needs extra
 * stdio pipes (fd 3), explicit backpressure on stdin/stdout, and a parent-death signal on Linux;
 * fluent-ffmpeg (archived in 2025) exposes none of these. fluent-ffmpeg still runs the plain
 * file-to-file jobs (see fluent-job.ts), and both paths register here.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { onAbort } from '../common/abort.js';
import { CancelledError } from '../common/errors.js';

const running = new Set<ChildProcess>();

/** Kill every ffmpeg/ffprobe process this engine started. Safe to call at any time. */
export function killAllMediaProcesses(signal: NodeJS.Signals = 'SIGKILL'): number {
  let n = 0;
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      n++;
    }
  }
  return n;
}

/** Number of live processes; tests use it to prove nothing is left running. */
export function runningMediaProcessCount(): number {
  return [...running].filter((c) => c.exitCode === null && c.signalCode === null).length;
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => killAllMediaProcesses('SIGKILL'));
}

/** Register a child started elsewhere (fluent-ffmpeg) so abort-all and exit reach it. */
export function trackMediaProcess(child: ChildProcess): void {
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

let setprivPath: string | null | undefined;
/** On Linux, `setpriv --pdeathsig KILL` makes the kernel kill ffmpeg if Node dies (even by SIGKILL). */
function deathSignalWrapper(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform === 'linux' && process.env.CLEARCUT_NO_PDEATHSIG !== '1') {
    for (const p of ['/usr/bin/setpriv', '/bin/setpriv']) {
      try {
        accessSync(p, constants.X_OK);
        setprivPath = p;
        break;
      } catch {
        /* try next */
      }
    }
  }
  return setprivPath;
}

export interface MediaProcessOptions {
  signal?: AbortSignal;
  stdio?: StdioOptions;
  /** Called with each complete stderr line (progress lines end in \r and are split too). */
  onStderrLine?: (line: string) => void;
  /** How many stderr lines to keep for error messages. */
  tailLines?: number;
  /** Working folder (filters that name files, such as subtitles=, get simple relative names). */
  cwd?: string;
  /**
   * Keep stdout's data for a reader that starts later. When a child exits, Node resumes (and so
   * discards) any stdout nobody is listening to; a short clip whose whole output fits in the pipe
   * lost every frame that way while its reader was still loading a model.
   */
  holdStdout?: boolean;
}

export interface MediaProcess {
  child: ChildProcess;
  /** Resolves when the process exits; never rejects for a non-zero code (callers classify). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderrTail: string[]; cancelled: boolean }>;
}

export function spawnMedia(binary: string, args: string[], opts: MediaProcessOptions = {}): MediaProcess {
  if (opts.signal?.aborted) throw new CancelledError();
  installExitHook();
  const wrapper = deathSignalWrapper();
  const [cmd, argv] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
  const child = spawn(cmd, argv, { stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'], windowsHide: true, cwd: opts.cwd });
  trackMediaProcess(child);
  if (opts.holdStdout) child.stdout?.on('readable', () => undefined);

  const tail: string[] = [];
  const keep = opts.tailLines ?? 60;
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split(/\r\n|\r|\n/);
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line) continue;
      opts.onStderrLine?.(line);
      tail.push(line);
      if (tail.length > keep) tail.shift();
    }
  });

  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const off = onAbort(opts.signal, () => {
    cancelled = true;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), 1500);
    killTimer.unref();
  });

  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderrTail: string[]; cancelled: boolean }>((resolve) => {
    child.once('error', (err) => {
      tail.push(String(err));
      off();
      resolve({ code: -1, signal: null, stderrTail: tail, cancelled });
    });
    child.once('close', (code, signal) => {
      if (partial) {
        opts.onStderrLine?.(partial);
        tail.push(partial);
      }
      if (killTimer) clearTimeout(killTimer);
      off();
      resolve({ code, signal, stderrTail: tail, cancelled });
    });
  });
  return { child, done };
}
