import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, type FolderListing } from '../common/api.js';
import { AllowedPaths } from './allowed-paths.js';
import { createEngineHandlers, type EngineHost } from './ipc/engine-handlers.js';
import { openForUser } from './open-files.js';
import { RecentFiles } from './recent-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (rel: string): string => {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, 'x');
  return p;
};

/** Behaves like EngineService: lists a folder's media files, opens only existing .mp4/.wav files. */
function fakeEngine() {
  const calls: Array<[string, unknown[]]> = [];
  const host: EngineHost = {
    call: async (method, args) => {
      calls.push([method, args]);
      if (method === 'listFolder') {
        const folder = args[0] as string;
        const { readdirSync } = await import('node:fs');
        const entries = readdirSync(folder, { withFileTypes: true }).map((e) => ({
          name: e.name,
          path: path.join(folder, e.name),
          kind: e.isDirectory() ? 'folder' : /\.(mp4|wav)$/.test(e.name) ? 'media' : 'other',
        }));
        return { folder, entries: entries.filter((e) => e.kind !== 'other') } as FolderListing;
      }
      if (method === 'openPaths') {
        const opened = (args[0] as string[]).filter((p) => /\.(mp4|wav)$/.test(p));
        if (!opened.length) throw new Error('Nothing to open.');
        return opened;
      }
      if (method === 'probe') return { path: args[0] };
      throw new Error(`unexpected ${method}`);
    },
  };
  return { host, calls };
}

function setup() {
  const { host, calls } = fakeEngine();
  const allowed = new AllowedPaths();
  const recent = new RecentFiles({ file: path.join(dir, 'userData', 'recent.json') });
  const h = createEngineHandlers({ host, allowed, recent, pickClips: async () => [], pickFolder: async () => null, reveal: () => {} });
  return { h, host, calls, allowed, recent };
}

describe('opening dropped files and folders', () => {
  it('allows dropped files and a dropped folder’s media files, not the folder itself', async () => {
    const { h, allowed, recent } = setup();
    const a = file('a.mp4');
    const shoot = path.join(dir, 'shoot');
    const [b, c] = [file('shoot/b.mp4'), file('shoot/c.wav')];
    const notes = file('shoot/notes.txt');
    const nested = file('shoot/deeper/d.mp4');
    await expect(h[CHANNELS.probe](a)).rejects.toThrow(/not opened by the user/);
    const opened = await h[CHANNELS.openDropped]([a, shoot]);
    expect(opened).toEqual([a, b, c]);
    for (const p of [a, b, c]) await expect(h[CHANNELS.probe](p)).resolves.toEqual({ path: p });
    for (const p of [notes, nested, shoot]) expect(allowed.isAllowed(p)).toBe(false);
    expect(recent.list()).toEqual([a, shoot]);
  });

  it('validates the dropped paths with zod', async () => {
    const { h, calls } = setup();
    for (const bad of [[], 'a.mp4', ['relative.mp4'], [42], ['/x\0.mp4'], Array.from({ length: 1001 }, (_, i) => `/c/${i}.mp4`)]) {
      await expect(h[CHANNELS.openDropped](bad)).rejects.toThrow(/Invalid request/);
    }
    expect(calls).toEqual([]);
  });

  it('does not allow what the engine could not open', async () => {
    const { h, allowed, recent } = setup();
    const a = file('a.mp4');
    const text = file('readme.txt');
    await expect(h[CHANNELS.openDropped]([a, text])).resolves.toEqual([a]);
    expect(allowed.isAllowed(text)).toBe(false);
    await expect(h[CHANNELS.openDropped]([text])).rejects.toThrow(/Nothing to open/);
    expect(recent.list()).toEqual([a]);
  });

  it('opens an empty folder as nothing', async () => {
    const { h, calls } = setup();
    mkdirSync(path.join(dir, 'empty'));
    await expect(h[CHANNELS.openDropped]([path.join(dir, 'empty')])).resolves.toEqual([]);
    expect(calls.map(([m]) => m)).toEqual(['listFolder']);
  });
});

describe('opening recent files', () => {
  it('allows a recent entry again when the user opens it (a new session starts with nothing allowed)', async () => {
    const a = file('a.mp4');
    const first = setup();
    await first.h[CHANNELS.openDropped]([a]);
    // The next start of the app: same recent.json, fresh allow-list.
    const { host, allowed, recent } = setup();
    expect(recent.list()).toEqual([a]);
    expect(allowed.isAllowed(a)).toBe(false);
    await expect(openForUser([recent.list()[0]!], { host, allowed, recent })).resolves.toEqual([a]);
    expect(allowed.isAllowed(a)).toBe(true);
  });

  it('puts picked clips on the recent list too', async () => {
    const { host } = fakeEngine();
    const a = file('a.mp4');
    const recent = new RecentFiles({ file: path.join(dir, 'recent.json') });
    const h = createEngineHandlers({ host, allowed: new AllowedPaths(), recent, pickClips: async () => [a], pickFolder: async () => null, reveal: () => {} });
    await expect(h[CHANNELS.pickClips]()).resolves.toEqual([a]);
    expect(recent.list()).toEqual([a]);
  });
});
