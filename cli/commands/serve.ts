/**
 * `clearcut serve [--port N]`: the app in a browser. Serves the built renderer and EngineApi on
 * 127.0.0.1 with a random access token in the printed address; runs until Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../core/common/errors.js';
import type { Reporter } from '../progress-view.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function registerServe(program: Command, run: (fn: (reporter: Reporter, signal: AbortSignal) => Promise<void>) => Promise<void>): void {
  program
    .command('serve')
    .description('Open Clearcut in a browser: serves the app and the engine on 127.0.0.1 with an access token')
    .option('--port <n>', 'port to listen on (default: any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0..65535, not "${v}".`);
      return n;
    })
    .option('--renderer <dir>', 'the built renderer (default: dist/renderer; build it with `npm run build:renderer`)')
    .option('--json', 'print the address as a JSON line')
    .option('--db <file>', 'job database shared with `clearcut jobs` and watch folders (default $CLEARCUT_JOBS_DB or the user data folder)')
    .action((opts: { port?: number; renderer?: string; json?: boolean; db?: string }) =>
      run(async (_reporter, signal) => {
        const rendererDir = path.resolve(opts.renderer ?? path.join(ROOT, 'dist', 'renderer'));
        if (!existsSync(path.join(rendererDir, 'index.html'))) throw new UsageError(`The app is not built: ${rendererDir}/index.html is missing. Run \`npm run build:renderer\` (vite build) first.`);
        const work = await mkdtemp(path.join(os.tmpdir(), 'clearcut-serve-'));
        // Exports go to the persistent job queue: `clearcut jobs list` shows them, and those still
        // queued or running when this stops run when it starts again.
        // The server's modules (sharp among them) load only for `serve`.
        const [{ EngineService }, { startServer }] = await Promise.all([import('../../core/serve/engine-service.js'), import('../../core/serve/http-server.js')]);
        const engine = new EngineService(work, 'web', { db: opts.db });
        const server = await startServer({ engine, rendererDir, port: opts.port });
        if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'listening', url: server.url, port: server.port })}\n`);
        else process.stdout.write(`Clearcut is running at\n\n  ${server.url}\n\nOpen it in a browser on this machine. Only this address (with its token) is let in. Ctrl-C stops.\n`);
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        await server.close();
        await rm(work, { recursive: true, force: true });
      }),
    );
}
