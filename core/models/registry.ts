/**
 * The model registry: where prepared models live, how they are prepared from their npm source
 * packages, and whether they are intact. Code asks for a model by name, never by path.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EngineError } from '../common/errors.js';
import { loadManifest, PROJECT_ROOT, type ModelEntry } from './manifest.js';

const require = createRequire(import.meta.url);

/** Folder holding prepared models: CLEARCUT_MODELS_DIR, else the ignored .cache/models of the project. */
export function modelCacheDir(): string {
  return process.env.CLEARCUT_MODELS_DIR ?? path.join(PROJECT_ROOT, '.cache', 'models');
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export function modelEntry(name: string): ModelEntry {
  const entry = loadManifest().models.find((m) => m.name === name);
  if (!entry) throw new EngineError('MODEL_MISSING', `No model named "${name}" in models/manifest.json.`);
  return entry;
}

/** Absolute path of a model's source file: in the repository, or inside its npm package. */
export function sourceFile(entry: ModelEntry): string {
  if ('repo' in entry.source) {
    const file = path.join(PROJECT_ROOT, entry.source.repo);
    if (!existsSync(file)) throw new EngineError('MODEL_MISSING', `${entry.name} should be at ${file}, which is missing from this installation.`, { file });
    return file;
  }
  // Packages may hide package.json behind "exports", so look for the folder rather than resolve it.
  const source = entry.source;
  const pkgDir = (require.resolve.paths(source.package) ?? [])
    .concat(path.join(PROJECT_ROOT, 'node_modules'))
    .map((dir) => path.join(dir, source.package))
    .find((dir) => existsSync(path.join(dir, 'package.json')));
  if (!pkgDir) throw new EngineError('MODEL_MISSING', `${entry.name} comes from npm package ${source.package}, which is not installed; run npm install.`);
  const pkgJson = path.join(pkgDir, 'package.json');
  const installed = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  if (installed !== source.version) {
    throw new EngineError('MODEL_MISSING', `${entry.name} expects ${source.package}@${source.version} but ${installed} is installed; run npm install.`);
  }
  return path.join(pkgDir, source.path);
}

export interface ModelStatus {
  name: string;
  file: string;
  present: boolean;
  verified: boolean;
  sha256?: string;
  problem?: string;
}

/** Check a prepared model's hash (and its extra files) against the manifest. */
export async function verifyModel(entry: ModelEntry): Promise<ModelStatus> {
  const file = path.join(modelCacheDir(), entry.file);
  if (!existsSync(file)) return { name: entry.name, file, present: false, verified: false, problem: 'not prepared' };
  const sha = await sha256File(file);
  if (sha !== entry.sha256) return { name: entry.name, file, present: true, verified: false, sha256: sha, problem: `sha256 ${sha} does not match the manifest` };
  for (const extra of entry.extraFiles ?? []) {
    const p = path.join(modelCacheDir(), extra.file);
    if (!existsSync(p) || (await sha256File(p)) !== extra.sha256) return { name: entry.name, file, present: true, verified: false, sha256: sha, problem: `${extra.file} missing or changed` };
  }
  return { name: entry.name, file, present: true, verified: true, sha256: sha };
}

export interface PrepareContext {
  sourcePath: string;
  outPath: string;
  options?: Record<string, unknown>;
  log: (msg: string) => void;
}

/**
 * Prepare one model (copy or convert) into the cache and verify it. Work happens in a private
 * temporary folder whose files are renamed into place at the end, so an interrupted preparation
 * never leaves a half-written model behind.
 */
export async function prepareModel(entry: ModelEntry, log: (msg: string) => void = () => {}): Promise<ModelStatus> {
  const before = await verifyModel(entry);
  if (before.verified) return before;
  const dir = modelCacheDir();
  const work = path.join(dir, `.preparing-${entry.name}-${process.pid}`);
  await mkdir(work, { recursive: true });
  const src = sourceFile(entry);
  try {
    const tmpOut = path.join(work, entry.file);
    if (entry.prepare === 'copy') await copyFile(src, tmpOut);
    else {
      const script = path.join(PROJECT_ROOT, 'models', 'prepare', `${entry.prepare}.ts`);
      const mod = (await import(pathToFileURL(script).href)) as { default: (ctx: PrepareContext) => Promise<void> };
      await mod.default({ sourcePath: src, outPath: tmpOut, options: entry.prepareOptions, log });
    }
    for (const f of [...(entry.extraFiles ?? []).map((x) => x.file), entry.file]) {
      if (existsSync(path.join(work, f))) await rename(path.join(work, f), path.join(dir, f));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const after = await verifyModel(entry);
  if (!after.verified) throw new EngineError('MODEL_CORRUPT', `Prepared ${entry.name} but it does not verify: ${after.problem}.`, { file: after.file });
  return after;
}

/** Path of a verified, prepared model; prepares it on first use if needed. */
export async function modelPath(name: string): Promise<string> {
  const entry = modelEntry(name);
  const status = await verifyModel(entry);
  if (status.verified) return status.file;
  return (await prepareModel(entry)).file;
}
