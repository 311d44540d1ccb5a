import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type EngineApi } from '../common/api.js';
import { droppedPaths } from '../preload/dropped-paths.js';
import { bundlePreload, preloadBuildOptions } from './preload.js';

let dir: string;
let code: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-preload-'));
  code = readFileSync(await bundlePreload(path.join(dir, 'index.cjs')), 'utf8');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bundle the way a sandboxed renderer does: a script whose require knows only `electron`. */
function loadInSandbox() {
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  const listeners = new Map<string, (...a: unknown[]) => void>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => (invoked.push(args), ['/picked/a.mp4']),
      on: (channel: string, l: (...a: unknown[]) => void) => listeners.set(channel, l),
      off: (channel: string) => listeners.delete(channel),
    },
    webUtils: { getPathForFile: (f: { fakePath: string }) => f.fakePath },
  };
  const required: string[] = [];
  const require = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  const module = { exports: {} };
  vm.runInNewContext(code, { require, module, exports: module.exports, console });
  return { api: exposed.clearcut as EngineApi, exposed, invoked, listeners, required };
}

describe('the preload bundle', () => {
  it('is one CommonJS file that needs nothing but electron', () => {
    expect(preloadBuildOptions()).toMatchObject({ bundle: true, format: 'cjs', external: ['electron'] });
    expect(code).not.toMatch(/^\s*import\s|^\s*export\s|import\(|import\.meta/m);
    const requires = [...code.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    const { required } = loadInSandbox();
    expect(required).toEqual(['electron']);
  });

  it('exposes one object, window.clearcut, with the whole EngineApi', () => {
    const { api, exposed } = loadInSandbox();
    expect(Object.keys(exposed)).toEqual(['clearcut']);
    for (const method of ['info', 'pickClips', 'pickOutputFolder', 'probe', 'thumbnails', 'waveform', 'renderPreview', 'mediaUrl', 'startExport', 'startTranscribe', 'readTranscript', 'saveCaptions', 'cancelJob', 'revealInFolder', 'onJobEvent', 'openDroppedFiles', 'onAppEvent']) {
      expect(typeof (api as unknown as Record<string, unknown>)[method], method).toBe('function');
    }
    expect(api.mediaUrl('/clips/a b.mp4')).toBe('clearcut-app://app/media?path=%2Fclips%2Fa%20b.mp4');
  });

  it('turns dropped Files into paths with webUtils and sends them on the drop channel', async () => {
    const { api, invoked } = loadInSandbox();
    const files = [{ fakePath: '/clips/a.mp4' }, { fakePath: '' }, { fakePath: '/clips/shoot' }, { fakePath: '/clips/a.mp4' }] as unknown as File[];
    await expect(api.openDroppedFiles!(files)).resolves.toEqual(['/picked/a.mp4']);
    expect(invoked).toEqual([[CHANNELS.openDropped, ['/clips/a.mp4', '/clips/shoot']]]);
    // Nothing on disk (a File made by the page): no IPC at all.
    await expect(api.openDroppedFiles!([{ fakePath: '' }] as unknown as File[])).resolves.toEqual([]);
    expect(invoked).toHaveLength(1);
  });

  it('delivers menu events to onAppEvent and unsubscribes', () => {
    const { api, listeners } = loadInSandbox();
    const got: unknown[] = [];
    const off = api.onAppEvent!((e) => got.push(e));
    listeners.get(CHANNELS.appEvent)!({}, { type: 'export-selected' });
    expect(got).toEqual([{ type: 'export-selected' }]);
    off();
    expect(listeners.has(CHANNELS.appEvent)).toBe(false);
  });
});

describe('dropped paths', () => {
  it('skips files without a path, duplicates and things that are not files', () => {
    const get = (f: string) => {
      if (f === 'boom') throw new TypeError('not a File');
      return f;
    };
    expect(droppedPaths(['/a.mp4', '', 'boom', '/a.mp4', '/b'], get)).toEqual(['/a.mp4', '/b']);
  });
});
