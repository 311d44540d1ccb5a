/**
 * Previews in the app: with stabilization on Automatic, the first preview of a clip measures the
 * whole clip's camera motion, which takes minutes on a long clip. Its progress (phase, fraction,
 * ETA) goes out as job events under the UI's previewId, and cancelJob(previewId) stops it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClearcutError } from '../../core/common/errors.js';
import { runningMediaProcessCount } from '../../core/media/ffmpeg-process.js';
import { EngineService } from '../../core/serve/engine-service.js';
import type { JobEventData } from '../../core/serve/types.js';
import { ffprobeJson, longClip, oddSizeClip, workDir } from './fixtures.js';

type Progress = Extract<JobEventData, { type: 'progress' }>;

describe('preview progress and cancel', () => {
  const work = workDir('preview');
  const savedCache = process.env.CLEARCUT_CACHE_DIR;
  let engine: EngineService;
  let clip: string;
  const events: JobEventData[] = [];
  const progressOf = (id: string) => events.filter((e): e is Progress => e.type === 'progress' && e.jobId === id);

  beforeAll(async () => {
    clip = longClip();
    engine = new EngineService(work, 'web', { db: path.join(work, 'jobs.sqlite') });
    engine.onJobEvent((e) => events.push(e));
    await engine.openPaths([clip]);
  });
  afterAll(async () => {
    await engine.shutdown();
    if (savedCache === undefined) delete process.env.CLEARCUT_CACHE_DIR;
    else process.env.CLEARCUT_CACHE_DIR = savedCache;
  });

  it('reports the whole-clip analysis, the cut and the render under the preview id, with an ETA', async () => {
    process.env.CLEARCUT_CACHE_DIR = path.join(work, 'cache-1');
    const result = await engine.renderPreview({ input: clip, start: 8, duration: 2, stabilize: 0.5, previewId: 'preview-a' });
    expect(result.camera).toBeDefined();
    const seen = progressOf('preview-a');
    const stages = [...new Set(seen.map((e) => e.stage))];
    expect(stages).toEqual(['analyze-clip-motion', 'cut', 'render']);
    // The analysis counts the whole clip's frames (20 s at 30 fps), not the excerpt's.
    const analysis = seen.filter((e) => e.stage === 'analyze-clip-motion');
    expect(Math.max(...analysis.map((e) => e.total))).toBeGreaterThanOrEqual(590);
    expect(analysis.length).toBeGreaterThan(2);
    expect(analysis.some((e) => e.eta !== null && e.eta > 0)).toBe(true);
    // One fraction over all three phases: it never goes back, and the analysis is most of it.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    expect(analysis.at(-1)!.fraction).toBeGreaterThan(0.5);
    expect(analysis.at(-1)!.fraction).toBeLessThan(1);
    expect(seen.at(-1)!.fraction).toBeGreaterThan(0.9);
    // Other listeners' jobs are not touched: no event but progress carries the preview id.
    expect(events.filter((e) => e.jobId === 'preview-a' && e.type !== 'progress')).toEqual([]);
  });

  it('cancelJob(previewId) stops that preview mid-analysis and leaves no ffmpeg behind; another id does not', async () => {
    process.env.CLEARCUT_CACHE_DIR = path.join(work, 'cache-2');
    const running = engine.renderPreview({ input: clip, start: 0, duration: 2, stabilize: 0.5, previewId: 'preview-b' });
    const outcome = running.then(
      () => undefined,
      (e: ClearcutError) => e,
    );
    const deadline = Date.now() + 60_000;
    while (!progressOf('preview-b').some((e) => e.stage === 'analyze-clip-motion' && e.done > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(progressOf('preview-b').length).toBeGreaterThan(0);
    engine.cancelJob('preview-someone-else');
    const before = progressOf('preview-b').length;
    while (progressOf('preview-b').length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(progressOf('preview-b').length).toBeGreaterThan(before);
    engine.cancelJob('preview-b');
    const error = await outcome;
    expect(error?.code).toBe('CANCELLED');
    expect(progressOf('preview-b').some((e) => e.stage === 'render')).toBe(false);
    const gone = Date.now() + 5_000;
    while (runningMediaProcessCount() > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
    expect(runningMediaProcessCount()).toBe(0);
  });

  it('previews an odd-sized clip (x264 needs an even width), before and after alike', async () => {
    const odd = oddSizeClip();
    await engine.openPaths([odd]);
    const result = await engine.renderPreview({ input: odd, start: 0, duration: 0.8, stabilize: 0.5, previewId: 'preview-odd' });
    const size = (f: string) => {
      const [v] = ffprobeJson(f).streams.filter((s) => s.codec_type === 'video');
      return `${v.width}x${v.height}`;
    };
    expect(size(result.before)).toBe('320x180');
    expect(size(result.after)).toBe('320x180');
  });

  it('an engine restarted on the same work folder (after a crash) previews again', async () => {
    const folder = path.join(work, 'restart');
    for (const run of [1, 2]) {
      const again = new EngineService(folder, 'web', { db: path.join(work, `jobs-restart-${run}.sqlite`) });
      try {
        await again.openPaths([clip]);
        const result = await again.renderPreview({ input: clip, start: 1, duration: 1, loudnorm: true });
        expect(path.dirname(result.after)).toBe(path.join(folder, 'previews', 'preview-1'));
      } finally {
        await again.shutdown();
      }
    }
  });
});
