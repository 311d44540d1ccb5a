import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagedEngineEnv, RESOURCE_DIRS } from '../main/packaged-resources.js';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '..', '..');

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}
type Config = Record<string, unknown> & {
  extraResources: FileSet[];
  files: string[];
  mac: { extraResources: FileSet[] };
  win: { extraResources: FileSet[] };
  linux: { extraResources: FileSet[] };
};

const config = parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s JSON schema', () => {
    // app-builder-lib (a dependency of electron-builder) ships the schema electron-builder checks with.
    const schema = require('app-builder-lib/scheme.json') as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    // The schema itself catches a wrong key (so the check above means something).
    expect(validate({ ...config, extraResourcez: [] })).toBe(false);
  });

  it('ships the prepared models and their manifest', () => {
    const models = config.extraResources.find((r) => r.from === '.cache/models');
    expect(models?.to).toBe(RESOURCE_DIRS.models);
    expect(config.extraResources).toContainEqual({ from: 'models/manifest.json', to: `${RESOURCE_DIRS.models}/manifest.json` });
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'models', 'manifest.json'), 'utf8')) as { models: Array<{ file: string; extraFiles?: Array<{ file: string }> }> };
    const prepared = manifest.models.flatMap((m) => [m.file, ...(m.extraFiles ?? []).map((e) => e.file)]);
    expect(prepared.length).toBeGreaterThan(0);
    const globs = (models?.filter ?? []).map((g) => new RegExp(`^${g.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`));
    for (const file of prepared) expect(globs.some((g) => g.test(file)), file).toBe(true);
  });

  it('ships ffmpeg and ffprobe for macOS, Windows and Linux where the app looks for them', () => {
    const cases = [
      ['mac', 'darwin', ''],
      ['win', 'win32', '.exe'],
      ['linux', 'linux', ''],
    ] as const;
    for (const [key, platform, ext] of cases) {
      const res = config[key].extraResources;
      for (const tool of ['ffmpeg', 'ffprobe'] as const) {
        const entry = res.find((r) => r.from === `node_modules/@${tool}-installer/${platform}-\${arch}`);
        expect(entry, `${key} ${tool}`).toBeDefined();
        expect(entry?.filter).toEqual([`${tool}${ext}`]);
        // The packaged app points the engine at resources/<to>/<tool> (packaged-resources.ts).
        const env = packagedEngineEnv('/res', platform);
        expect(env[tool === 'ffmpeg' ? 'CLEARCUT_FFMPEG' : 'CLEARCUT_FFPROBE']).toBe(path.join('/res', entry!.to, `${tool}${ext}`));
      }
    }
    // Installed for this machine: the Linux entries point at real binaries.
    const here = `${process.platform}-${process.arch}`;
    if (process.platform === 'linux') for (const tool of ['ffmpeg', 'ffprobe']) expect(require.resolve(`@${tool}-installer/${here}/package.json`)).toBeTruthy();
    // Not packed a second time inside the archive.
    expect(config.files).toEqual(expect.arrayContaining(['!node_modules/@ffmpeg-installer/**', '!node_modules/@ffprobe-installer/**']));
  });

  it('points the engine at the shipped models', () => {
    const env = packagedEngineEnv('/res', 'linux');
    expect(env.CLEARCUT_MODELS_DIR).toBe(path.join('/res', 'models'));
    expect(env.CLEARCUT_MANIFEST).toBe(path.join('/res', 'models', 'manifest.json'));
  });
});
