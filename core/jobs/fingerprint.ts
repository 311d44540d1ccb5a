/**
 * Content fingerprints and job ids. A fingerprint depends only on the bytes (size plus sha256 of the
 * first, middle and last MiB), not on the name or mtime, so a renamed or copied file is recognised
 * without reading a whole multi-gigabyte clip.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Preset } from '../presets/presets.js';

const CHUNK = 1 << 20;

/** "v1:<size>:<sha256 of head|middle|tail>" for the file's current content. */
export async function contentFingerprint(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const h = createHash('sha256');
    const offsets = size <= 3 * CHUNK ? [0] : [0, Math.floor(size / 2) - CHUNK / 2, size - CHUNK];
    const length = size <= 3 * CHUNK ? size : CHUNK;
    const buf = Buffer.alloc(length);
    for (const at of offsets) {
      const { bytesRead } = await fh.read(buf, 0, length, at);
      h.update(buf.subarray(0, bytesRead));
    }
    return `v1:${size}:${h.digest('hex')}`;
  } finally {
    await fh.close();
  }
}

/** JSON with sorted keys, so equal settings always hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The settings of a preset that change the result (stages, encoder, naming). Its name and
 * description do not: the same settings saved under another name are the same job.
 */
export function presetKey(preset: Preset): string {
  return canonicalJson({ stages: preset.stages, encoder: preset.encoder, naming: preset.naming });
}

/**
 * A stable 16-hex-digit job id from the input's fingerprint and the preset, plus, when given, the
 * settings beyond the preset that change the result (`variant`, e.g. the app's chosen output and
 * edited captions). Without a variant the id is the same as it always was.
 */
export function jobId(fingerprint: string, preset: Preset, variant?: unknown): string {
  const h = createHash('sha256').update(fingerprint).update('\0').update(presetKey(preset));
  if (variant !== undefined) h.update('\0').update(canonicalJson(variant));
  return h.digest('hex').slice(0, 16);
}
