/** The `clearcut` command line: a thin shell over core/. */
import { Command, CommanderError } from 'commander';
import { toClearcutError } from '../core/common/errors.js';
import { configureMedia } from '../core/media/ffmpeg-binaries.js';
import { killAllMediaProcesses } from '../core/media/ffmpeg-process.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExport } from './commands/export.js';
import { registerJobs } from './commands/jobs.js';
import { registerModels } from './commands/models.js';
import { registerProbe } from './commands/probe.js';
import { registerServe } from './commands/serve.js';
import { registerWatch } from './commands/watch.js';
import { registerWorker } from './commands/worker.js';
import { EXIT_CANCELLED, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { jsonReporter, ttyReporter, type Reporter } from './progress-view.js';

const wantsJson = process.argv.includes('--json');

/** Run one command with a reporter and a cancel signal wired to Ctrl-C; sets the exit code. */
async function run(fn: (reporter: Reporter, signal: AbortSignal) => Promise<void>): Promise<void> {
  const reporter = wantsJson ? jsonReporter() : ttyReporter();
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      if (!wantsJson) process.stderr.write(`\nCancelling (${sig})... press Ctrl-C again to stop at once.\n`);
      controller.abort();
    } else {
      killAllMediaProcesses();
      process.exit(EXIT_CANCELLED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await fn(reporter, controller.signal);
  } catch (e) {
    const err = toClearcutError(e);
    reporter.error(err.toJSON());
    process.exitCode = exitCodeFor(err);
  } finally {
    reporter.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const program = new Command();
program
  .name('clearcut')
  .description('Offline stabilization, denoising, speech cleanup and captions for your clips')
  .version('0.1.0')
  .option('--ffmpeg <path>', 'use this ffmpeg binary (else CLEARCUT_FFMPEG, the bundled one, then PATH)')
  .option('--ffprobe <path>', 'use this ffprobe binary')
  .showHelpAfterError()
  .exitOverride();
program.hook('preAction', () => {
  const o = program.opts<{ ffmpeg?: string; ffprobe?: string }>();
  if (o.ffmpeg || o.ffprobe) configureMedia({ ffmpegPath: o.ffmpeg, ffprobePath: o.ffprobe });
});

registerExport(program, run);
registerDoctor(program, run);
registerModels(program, run);
registerProbe(program, run);
registerServe(program, run);
registerWatch(program, run);
registerJobs(program, run);
registerWorker(program, run);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; anything commander rejects is a usage error.
    process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    const err = toClearcutError(e);
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = exitCodeFor(err);
  }
}
