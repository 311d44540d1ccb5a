/**
 * The WebAssembly helpers the engine carries (core/stages/denoise-video/resample-wasm.ts) are what
 * their sources in native/ build to, so a change to a source cannot ship without its build. Needs
 * wabt's wat2wasm (CI installs it); without it the check is skipped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assemble, moduleText, NATIVE_MODULES } from '../../scripts/build-native.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const haveWabt = ((): boolean => {
  try {
    execFileSync('wat2wasm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('native helpers', () => {
  it.skipIf(!haveWabt).each(NATIVE_MODULES)('$module is built from $source', ({ source, module, name }) => {
    expect(readFileSync(path.join(root, module), 'utf8')).toBe(moduleText(source, name, assemble(source)));
  });
});
