import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECENT, RecentFiles } from './recent-files.js';

let dir: string;
let store: string;
const clip = (name: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, 'x');
  return p;
};

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-recent-'));
  store = path.join(dir, 'userData', 'recent.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recent files', () => {
  it('keeps the most recent first, without duplicates, in <userData>/recent.json', () => {
    const [a, b, c] = [clip('a.mp4'), clip('b.mp4'), clip('c.mp4')];
    const added: string[] = [];
    const recent = new RecentFiles({ file: store, onAdd: (p) => added.push(p) });
    expect(recent.list()).toEqual([]);
    recent.add(a);
    recent.add(b);
    recent.add(a);
    recent.add(c, c);
    expect(recent.list()).toEqual([c, a, b]);
    expect(added).toEqual([a, b, a, c]);
    // Another instance (the next start of the app) reads the same list.
    expect(new RecentFiles({ file: store }).list()).toEqual([c, a, b]);
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual({ recent: [c, a, b] });
  });

  it('keeps at most ten', () => {
    const recent = new RecentFiles({ file: store });
    const clips = Array.from({ length: 14 }, (_, i) => clip(`${i}.mp4`));
    for (const c of clips) recent.add(c);
    expect(recent.list()).toHaveLength(MAX_RECENT);
    expect(recent.list()[0]).toBe(clips[13]);
    expect(recent.list()).not.toContain(clips[3]);
  });

  it('drops entries that no longer exist, folders included', () => {
    const a = clip('a.mp4');
    const gone = clip('gone.mp4');
    const folder = path.join(dir, 'shoot');
    mkdirSync(folder);
    const recent = new RecentFiles({ file: store });
    recent.add(a, gone, folder);
    rmSync(gone);
    expect(recent.list()).toEqual([a, folder]);
    expect(JSON.parse(readFileSync(store, 'utf8')).recent).toEqual([a, folder]);
  });

  it('starts afresh from a missing or damaged file and ignores junk entries', () => {
    expect(new RecentFiles({ file: store }).list()).toEqual([]);
    mkdirSync(path.dirname(store), { recursive: true });
    writeFileSync(store, '{ not json');
    expect(new RecentFiles({ file: store }).list()).toEqual([]);
    const a = clip('a.mp4');
    writeFileSync(store, JSON.stringify({ recent: [a, 42, 'relative.mp4', a, null] }));
    expect(new RecentFiles({ file: store }).list()).toEqual([a]);
  });

  it('clears its list and the OS list', () => {
    let cleared = 0;
    const recent = new RecentFiles({ file: store, onClear: () => cleared++ });
    recent.add(clip('a.mp4'));
    recent.clear();
    expect(recent.list()).toEqual([]);
    expect(cleared).toBe(1);
    expect(existsSync(store)).toBe(true);
  });
});
