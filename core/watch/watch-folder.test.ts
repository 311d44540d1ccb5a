import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../jobs/job.js';
import type { JobSubmitter } from '../jobs/job-queue.js';
import { loadPreset } from '../presets/presets.js';
import { WatchFolder } from './watch-folder.js';
import { WatchLog, type WatchLogEntry } from './watch-log.js';

/** A queue that runs nothing: the test emits its events. */
function fakeQueue(): JobSubmitter {
  const q = new EventEmitter() as unknown as JobSubmitter;
  Object.assign(q, {
    submit: () => Promise.reject(new Error('not used')),
    get: () => Promise.resolve(undefined),
    outputClaimed: () => Promise.resolve(false),
  });
  return q;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function watching(): Promise<{ input: string; queue: JobSubmitter; entries: WatchLogEntry[]; folder: WatchFolder; root: string }> {
  const root = mkdtempSync(path.join(tmpdir(), 'clearcut-watch-'));
  dirs.push(root);
  const input = path.join(root, 'in');
  mkdirSync(input);
  const log = new WatchLog();
  const entries: WatchLogEntry[] = [];
  log.onEntry((e) => entries.push(e));
  const queue = fakeQueue();
  const folder = new WatchFolder({ input, output: path.join(root, 'out'), preset: loadPreset('phone-vlog'), queue, log });
  await folder.start();
  return { input, queue, entries, folder, root };
}

const job = (input: string, reportPath?: string): JobRecord =>
  ({ id: 'j1', input: path.join(input, 'a.mp4'), output: '/out/a.mp4', state: 'done', attempts: 1, meta: { watchRoot: input }, reportPath, history: [] }) as unknown as JobRecord;

describe('watch folder log', () => {
  it("puts what a job's stages chose by themselves (its report's notes) on the done line", async () => {
    const { input, queue, entries, folder, root } = await watching();
    const report = path.join(root, 'j1.json');
    writeFileSync(report, JSON.stringify({ job: 'j1', notes: ['The camera sways, so stabilization kept its slow motion.'] }));
    queue.emit('done', job(input, report));
    await folder.stop();
    const done = entries.find((e) => e.event === 'done');
    expect(done?.notes).toEqual(['The camera sways, so stabilization kept its slow motion.']);
  });

  it('leaves notes out when the report has none, is missing or is not JSON', async () => {
    const { input, queue, entries, folder, root } = await watching();
    const report = path.join(root, 'j1.json');
    writeFileSync(report, JSON.stringify({ job: 'j1', notes: [] }));
    queue.emit('done', job(input, report));
    queue.emit('done', job(input, path.join(root, 'missing.json')));
    writeFileSync(path.join(root, 'bad.json'), '{ not json');
    queue.emit('done', job(input, path.join(root, 'bad.json')));
    await folder.stop();
    const done = entries.filter((e) => e.event === 'done');
    expect(done).toHaveLength(3);
    for (const d of done) expect(d).not.toHaveProperty('notes');
  });
});
