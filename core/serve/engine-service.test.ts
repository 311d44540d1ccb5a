import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineService } from './engine-service.js';

const cue = (text: string) => ({ start: 0.5, end: 2, lines: [text] });

describe('EngineService.saveCaptions', () => {
  it('keeps a caption file it did not write, and replaces its own earlier save', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'clearcut-save-captions-'));
    const engine = new EngineService(work, 'web', { db: path.join(work, 'jobs.sqlite') });
    const srt = path.join(work, 'clip_clean.srt');
    // An export's sidecar (or the user's own file) already has the name.
    writeFileSync(srt, '1\n00:00:00,000 --> 00:00:01,000\nFrom the export\n');

    const first = await engine.saveCaptions(srt, [cue('First edit')], 'srt');
    expect(first).toBe(path.join(work, 'clip_clean-2.srt'));
    expect(readFileSync(srt, 'utf8')).toContain('From the export');
    expect(readFileSync(first, 'utf8')).toContain('First edit');

    // Saving the edited captions again updates that save instead of adding clip_clean-3.srt.
    const second = await engine.saveCaptions(srt, [cue('Second edit')], 'srt');
    expect(second).toBe(first);
    expect(readFileSync(first, 'utf8')).toContain('Second edit');
    expect(readFileSync(srt, 'utf8')).toContain('From the export');

    // A free name is used as it is.
    const vtt = await engine.saveCaptions(path.join(work, 'clip_clean.vtt'), [cue('First edit')], 'vtt');
    expect(vtt).toBe(path.join(work, 'clip_clean.vtt'));
    expect(readFileSync(vtt, 'utf8')).toMatch(/^WEBVTT/);
  });
});
