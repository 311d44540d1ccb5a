/** The model registry from the outside: verify catches a changed file, prepare restores it, devices fall back. */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelCacheDir } from '../../core/models/registry.js';
import { createModelSession } from '../../core/models/session.js';
import { jsonLines, runCli } from './fixtures.js';

describe('clearcut models', () => {
  it('verifies every prepared model against its sha256', async () => {
    const r = await runCli(['models', 'verify', '--json']);
    expect(r.code).toBe(0);
    const models = (jsonLines(r.stdout)[0] as { models: Array<{ name: string; verified: boolean }> }).models;
    expect(models.map((m) => m.name)).toContain('silero-vad');
    expect(models.every((m) => m.verified)).toBe(true);
  });

  it('reports a damaged model, and prepare puts it right', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cc-models-'));
    copyFileSync(path.join(modelCacheDir(), 'silero-vad-v5.onnx'), path.join(dir, 'silero-vad-v5.onnx'));
    writeFileSync(path.join(dir, 'silero-vad-v5.onnx'), 'not a model');
    const env = { CLEARCUT_MODELS_DIR: dir };
    const bad = await runCli(['models', 'verify', '--json'], { env });
    expect(bad.code).toBe(1);
    const lines = jsonLines(bad.stdout);
    expect((lines[0] as { models: Array<{ name: string; verified: boolean; problem?: string }> }).models.find((m) => m.name === 'silero-vad')).toMatchObject({ verified: false, problem: expect.stringMatching(/sha256/) });
    expect(lines.at(-1)).toMatchObject({ type: 'error', code: 'MODEL_CORRUPT' });
    const fixed = await runCli(['models', 'prepare', '--json'], { env });
    expect(fixed.code).toBe(0);
    const again = await runCli(['models', 'verify', '--json'], { env });
    expect(again.code).toBe(0);
  }, 120_000);
});

describe('execution providers', () => {
  it('falls back to the CPU with a warning when the asked device is missing', async () => {
    const r = await createModelSession('silero-vad', { device: 'coreml' });
    expect(r.device).toBe('cpu');
    expect(r.warning).toMatch(/coreml/);
    expect(r.session.inputNames).toEqual(['input', 'state', 'sr']);
  });
});
