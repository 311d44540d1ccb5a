import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PresetSchema } from '../presets/presets.js';
import { applyNamingTemplate, firstFreeName, namingPattern, numberedName, outputExtension } from '../jobs/output-naming.js';
import { skipReason } from './skip-rules.js';
import { StabilityTracker } from './stability.js';

describe('output naming', () => {
  const p = (encoder = {}) => PresetSchema.parse({ name: 'x', encoder });
  it('applies the template and picks a container that holds the result', () => {
    expect(applyNamingTemplate('{name}_clean.{ext}', '/a/Clip 1.MOV', outputExtension('/a/Clip 1.MOV', p()))).toBe('Clip 1_clean.mov');
    expect(outputExtension('a.mp4', p({ codec: 'ffv1' }))).toBe('mkv');
    expect(outputExtension('a.mp4', p({ codec: 'vp9' }))).toBe('webm');
    expect(outputExtension('a.MTS', p())).toBe('mkv');
    expect(outputExtension('a.wav', p({ codec: 'ffv1' }))).toBe('wav');
    expect(numberedName('/o/a_clean.mp4', 2)).toBe('/o/a_clean-2.mp4');
    const taken = new Set(['/o/a_clean.mp4', '/o/a_clean-2.mp4']);
    expect(firstFreeName('/o/a_clean.mp4', (f) => taken.has(f))).toBe('/o/a_clean-3.mp4');
    expect(firstFreeName('/o/b_clean.mp4', (f) => taken.has(f))).toBe('/o/b_clean.mp4');
    expect(() => applyNamingTemplate('{name}/x.{ext}', 'a.mp4', 'mp4')).toThrow(/naming template/);
  });
  it('recognises its own outputs, numbered ones too', () => {
    const re = namingPattern('{name}_clean.{ext}');
    expect(['a_clean.mp4', 'a b_clean-3.MOV'].every((n) => re.test(n))).toBe(true);
    expect(['a.mp4', 'clean.mp4', 'a_clean.mp4.part'].some((n) => re.test(n))).toBe(false);
    expect(namingPattern('cc-{name}.{ext}').test('cc-a.mp4')).toBe(true);
  });
});

describe('skip rules', () => {
  const re = namingPattern('{name}_clean.{ext}');
  it('skips hidden, temporary, our outputs and non-media, and takes media', () => {
    expect(skipReason('.DS_Store', re)?.reason).toBe('hidden');
    expect(skipReason('.trash/a.mp4', re)?.reason).toBe('hidden');
    expect(skipReason('.a.mp4.clearcut-partial-12-0123abcd.mp4', re)?.reason).toBe('hidden');
    expect(skipReason('a.mp4.part', re)?.reason).toBe('temporary');
    expect(skipReason('~$draft.mov', re)?.reason).toBe('temporary');
    expect(skipReason('day1/a_clean.mp4', re)?.reason).toBe('our-output');
    expect(skipReason('notes.txt', re)?.reason).toBe('not-media');
    expect(skipReason('README', re)?.reason).toBe('not-media');
    expect(skipReason('day1/cam a/A001.MOV', re)).toBeUndefined();
    expect(skipReason('voice.m4a', re)).toBeUndefined();
  });
});

describe('StabilityTracker', () => {
  it('is ready only after size and mtime stop changing, and never for an empty file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-stable-'));
    try {
      const ready: string[] = [];
      const empty: string[] = [];
      const t = new StabilityTracker({ intervalMs: 100, checks: 2, onReady: (f) => ready.push(f), onEmpty: (f) => empty.push(f) });
      const f = path.join(dir, 'a.mp4');
      const e = path.join(dir, 'e.mp4');
      writeFileSync(f, 'x');
      writeFileSync(e, '');
      t.track(f);
      t.track(e);
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 20));
        appendFileSync(f, 'more');
      }
      expect(ready).toEqual([]);
      await new Promise((r) => setTimeout(r, 500));
      expect(ready).toEqual([f]);
      expect(empty).toEqual([e]);
      t.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
