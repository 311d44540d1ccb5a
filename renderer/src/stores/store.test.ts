// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../electron/common/api';
import { setEngine } from '../api/engine';
import { checkCue, parseTime } from '../features/captions/caption-checks';
import { stageRequest } from '../features/enhance/enhance-slice';
import { NO_STAGES } from '../features/enhance/presets';
import { outputPathFor } from '../features/settings/output-naming';
import { FAKE_INFO, fakeEngine } from '../testing/fake-engine';
import { resetApp, useApp } from './store';

describe('app store', () => {
  beforeEach(() => {
    setEngine(fakeEngine());
    resetApp();
  });

  it('keeps unavailable stages off, even when a preset asks for them', async () => {
    await useApp.getState().loadEngineInfo();
    useApp.getState().applyPreset('Phone vlog');
    const s = useApp.getState().stages;
    expect(s.stabilize.on).toBe(false);
    expect(s.denoiseAudio.on).toBe(true);
    useApp.getState().toggleStage('stabilize');
    expect(useApp.getState().stages.stabilize.on).toBe(false);
  });

  it('sends the camera mode of stabilization only with stabilization on', () => {
    useApp.getState().setCamera('tripod');
    const stages = useApp.getState().stages;
    expect(stages.stabilize.camera).toBe('tripod');
    expect(useApp.getState().preset).toBe('Custom');
    expect(stageRequest(stages)).toEqual({});
    expect(stageRequest({ ...NO_STAGES, stabilize: { on: true, strength: 0.6, camera: 'tripod' } })).toEqual({ stabilize: 0.6, stabilizeCamera: 'tripod' });
    expect(stageRequest({ ...NO_STAGES, stabilize: { on: true, strength: 0.6 } })).toEqual({ stabilize: 0.6 });
  });

  it('keeps a stage\'s camera mode and grain choice when its strength moves', () => {
    const app = useApp.getState();
    app.setCamera('steady');
    app.setKeepGrain(false);
    app.setStrength('stabilize', 0.3);
    app.setStrength('denoiseVideo', 0.8);
    const { stabilize, denoiseVideo } = useApp.getState().stages;
    expect([stabilize.camera, denoiseVideo.keepGrain]).toEqual(['steady', false]);
    expect([stabilize.strength, denoiseVideo.strength]).toEqual([0.3, 0.8]);
    // Only a removed grain goes out (with the stage on); keeping it is the engine's default.
    const on = (s: typeof stabilize) => ({ ...s, on: true });
    expect(stageRequest({ ...NO_STAGES, stabilize: on(stabilize), denoiseVideo: on(denoiseVideo) })).toEqual({ stabilize: 0.3, stabilizeCamera: 'steady', denoiseVideo: 0.8, denoiseVideoKeepGrain: false });
    expect(stageRequest({ ...NO_STAGES, denoiseVideo: { ...on(denoiseVideo), keepGrain: undefined } })).toEqual({ denoiseVideo: 0.8 });
    app.setKeepGrain(true);
    expect(useApp.getState().stages.denoiseVideo.keepGrain).toBeUndefined();
  });

  it('undoes and redoes caption edits', async () => {
    await useApp.getState().loadTranscript('tr-1');
    const id = useApp.getState().cues[0]!.id;
    useApp.getState().editCue(id, { text: 'hello world' });
    useApp.getState().splitCue(id);
    expect(useApp.getState().cues.map((c) => c.text)).toEqual(['hello', 'world']);
    useApp.getState().undo();
    expect(useApp.getState().cues.map((c) => c.text)).toEqual(['hello world']);
    useApp.getState().undo();
    expect(useApp.getState().cues[0]!.text).toBe('hello there');
    useApp.getState().redo();
    expect(useApp.getState().cues[0]!.text).toBe('hello world');
  });

  it('tracks a job through its events and exports edited captions', async () => {
    const requests: unknown[] = [];
    setEngine(fakeEngine({ startExport: async (r) => (requests.push(r), { jobId: 'job-1', output: r.output }) }));
    await useApp.getState().loadEngineInfo();
    await useApp.getState().addClips(['/clips/a.mp4']);
    await useApp.getState().loadTranscript('tr-1');
    useApp.getState().toggleStage('captions', true);
    await useApp.getState().exportSelected();
    expect(requests[0]).toMatchObject({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', denoiseAudio: 0.8, captions: ['srt', 'vtt', 'track'], cues: [{ lines: ['hello there'] }] });
    const events: JobEvent[] = [
      { type: 'progress', jobId: 'job-1', stage: 'encode', done: 5, total: 10, fps: 30, eta: 2, fraction: 0.5 },
      { type: 'done', jobId: 'job-1', output: '/clips/a_clean.mp4', wallSeconds: 3, notes: ['The camera sways, so stabilization kept its slow motion.'] },
    ];
    useApp.getState().applyJobEvent(events[0]!);
    expect(useApp.getState().jobs[0]).toMatchObject({ status: 'running', fraction: 0.5, stage: 'encode' });
    useApp.getState().applyJobEvent(events[1]!);
    expect(useApp.getState().jobs[0]).toMatchObject({ status: 'done', fraction: 1, notes: ['The camera sways, so stabilization kept its slow motion.'] });
  });

  it('leaves out the stages for a stream the clip lacks, for that clip only', async () => {
    const exports: Array<Record<string, unknown>> = [];
    const previews: Array<Record<string, unknown>> = [];
    setEngine(
      fakeEngine({
        info: async () => ({ ...FAKE_INFO, capabilities: FAKE_INFO.capabilities.map((c) => ({ ...c, available: true })) }),
        probe: async (path) => ({ path, durationSeconds: 10, variableFrameRate: false, rotation: 0, warnings: [], ...(path.endsWith('.m4a') ? { audioTracks: 1 } : { width: 640, height: 360, audioTracks: path.includes('silent') ? 0 : 1 }) }),
        startExport: async (r) => (exports.push(r as never), { jobId: `job-${exports.length}`, output: r.output }),
        renderPreview: async (r) => (previews.push(r as never), Promise.reject(new Error('cancelled'))),
      }),
    );
    await useApp.getState().loadEngineInfo(); // the Default preset: speech cleanup and loudness on
    useApp.getState().toggleStage('stabilize', true);
    await useApp.getState().addClips(['/clips/silent.mp4', '/clips/memo.m4a']);
    useApp.getState().selectClip('/clips/silent.mp4');
    await useApp.getState().exportSelected();
    await useApp.getState().renderPreview();
    for (const r of [exports[0]!, previews[0]!]) {
      expect(r).toMatchObject({ stabilize: 0.7 });
      expect(r).not.toHaveProperty('denoiseAudio');
      expect(r).not.toHaveProperty('loudnorm');
    }
    useApp.getState().selectClip('/clips/memo.m4a');
    await useApp.getState().exportSelected();
    expect(exports[1]).toMatchObject({ output: '/clips/memo_clean.m4a', denoiseAudio: 0.8, loudnorm: true });
    expect(exports[1]).not.toHaveProperty('stabilize');
    // The choices themselves are unchanged, for the next clip that has both.
    expect(useApp.getState().stages).toMatchObject({ stabilize: { on: true }, denoiseAudio: { on: true }, loudnorm: { on: true } });
  });

  it('exports beside an earlier export (name-2) unless replacing is on, and shows the name the engine chose', async () => {
    const requests: Array<Record<string, unknown>> = [];
    setEngine(fakeEngine({ startExport: async (r) => (requests.push(r as never), { jobId: 'job-9', output: r.output.replace('.mp4', '-2.mp4') }) }));
    await useApp.getState().loadEngineInfo();
    await useApp.getState().addClips(['/clips/a.mp4']);
    await useApp.getState().exportSelected();
    expect(requests[0]).toMatchObject({ output: '/clips/a_clean.mp4', keepBoth: true, overwrite: false });
    expect(useApp.getState().jobs[0]).toMatchObject({ id: 'job-9', output: '/clips/a_clean-2.mp4' });
    useApp.getState().updateSettings({ overwrite: true });
    await useApp.getState().exportSelected();
    expect(requests[1]).toMatchObject({ output: '/clips/a_clean.mp4', overwrite: true });
    expect(requests[1]).not.toHaveProperty('keepBoth');
  });

  it('shows an export the engine says was already done with these settings as done, not queued', async () => {
    setEngine(fakeEngine({ startExport: async (r) => ({ jobId: 'job-7', output: r.output, alreadyDone: true }) }));
    await useApp.getState().loadEngineInfo();
    await useApp.getState().addClips(['/clips/a.mp4']);
    await useApp.getState().exportSelected();
    expect(useApp.getState().jobs).toMatchObject([{ id: 'job-7', output: '/clips/a_clean.mp4', status: 'done', fraction: 1 }]);
    expect(useApp.getState().queueError).toBeUndefined();
  });

  it('shows a retried job (the engine queues the same job id again) as waiting', async () => {
    setEngine(fakeEngine({ startExport: async (r) => ({ jobId: 'job-2', output: r.output }) }));
    await useApp.getState().startJob({ input: '/clips/a.mp4', output: '/clips/b.mp4' });
    useApp.getState().applyJobEvent({ type: 'failed', jobId: 'job-2', code: 'FFMPEG_FAILED', message: 'ffmpeg died' });
    expect(useApp.getState().jobs.find((j) => j.id === 'job-2')).toMatchObject({ status: 'failed', error: 'ffmpeg died' });
    await useApp.getState().retryJob('job-2');
    useApp.getState().applyJobEvent({ type: 'queued', jobId: 'job-2', kind: 'export', input: '/clips/a.mp4', output: '/clips/b.mp4' });
    expect(useApp.getState().jobs.filter((j) => j.id === 'job-2')).toHaveLength(1);
    expect(useApp.getState().jobs.find((j) => j.id === 'job-2')).toMatchObject({ status: 'queued', fraction: 0, error: undefined });
  });
});

describe('caption checks and naming', () => {
  it('flags long lines, fast reading and overlaps', () => {
    expect(checkCue({ start: 0, end: 1, text: 'x'.repeat(50) }).map((p) => p.kind)).toEqual(['line-length', 'reading-speed']);
    expect(checkCue({ start: 0, end: 2, text: 'fine' }, { start: 1.5 }).map((p) => p.kind)).toEqual(['overlap']);
    expect(parseTime('00:01:02.500')).toBe(62.5);
    expect(parseTime('nope')).toBeUndefined();
  });

  it('names outputs from the template', () => {
    expect(outputPathFor('/clips/a.b.mp4', { folder: '', template: '{name}_clean', extension: 'mp4' })).toBe('/clips/a.b_clean.mp4');
    expect(outputPathFor('/clips/a.mp4', { folder: '/out/', template: '{name}-{preset}', extension: 'webm', preset: 'Phone vlog' })).toBe('/out/a-phone-vlog.webm');
  });
});
