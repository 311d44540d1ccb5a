import { describe, expect, it } from 'vitest';
import { CHANNELS, type JobEvent } from '../../common/api.js';
import { AllowedPaths } from '../allowed-paths.js';
import { createEngineHandlers, type EngineHost } from './engine-handlers.js';

function setup() {
  const started: string[] = [];
  const host: EngineHost = {
    info: async () => ({ ffmpegVersion: 'x', ffmpegSource: 'bundled', devices: ['cpu'], capabilities: [] }),
    probe: async (p) => ({ path: p, durationSeconds: 1, variableFrameRate: false, rotation: 0, audioTracks: 1, warnings: [] }),
    startExport: (id) => void started.push(id),
    cancelExport: () => {},
  };
  const events: JobEvent[] = [];
  const allowed = new AllowedPaths();
  const h = createEngineHandlers({ host, allowed, pickClips: async () => ['/clips/a.mp4'], emit: (e) => events.push(e), newJobId: () => 'job-1' });
  return { h, started, allowed };
}

describe('engine IPC handlers', () => {
  it('only reads files the user picked', async () => {
    const { h } = setup();
    await expect(h[CHANNELS.probe]('/etc/passwd')).rejects.toThrow(/not opened by the user/);
    await h[CHANNELS.pickClips]();
    await expect(h[CHANNELS.probe]('/clips/a.mp4')).resolves.toMatchObject({ path: '/clips/a.mp4' });
    await expect(h[CHANNELS.probe]('/clips/../etc/passwd')).rejects.toThrow();
  });

  it('validates export requests with zod and checks the output location', async () => {
    const { h, started } = setup();
    await h[CHANNELS.pickClips]();
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', stabilize: 3 })).rejects.toThrow(/Invalid request/);
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', evil: true })).rejects.toThrow(/Invalid request/);
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/root/x.mp4' })).rejects.toThrow(/output must go/);
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', loudnorm: true })).resolves.toEqual({ jobId: 'job-1' });
    expect(started).toEqual(['job-1']);
    await expect(h[CHANNELS.cancelExport]('../../x')).rejects.toThrow(/Invalid request/);
  });
});
