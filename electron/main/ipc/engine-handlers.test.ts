import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../common/api.js';
import { AllowedPaths } from '../allowed-paths.js';
import { createEngineHandlers, type EngineHost } from './engine-handlers.js';

function setup() {
  const calls: Array<[string, unknown[]]> = [];
  const host: EngineHost = {
    call: async (method, args) => {
      calls.push([method, args]);
      if (method === 'openPaths') return args[0];
      if (method === 'startExport') return { jobId: 'job-1' };
      return { method };
    },
  };
  const allowed = new AllowedPaths();
  const h = createEngineHandlers({ host, allowed, pickClips: async () => ['/clips/a.mp4'], pickFolder: async () => '/out', reveal: () => {} });
  return { h, calls, allowed };
}

describe('engine IPC handlers', () => {
  it('only reads files the user picked', async () => {
    const { h } = setup();
    await expect(h[CHANNELS.probe]('/etc/passwd')).rejects.toThrow(/not opened by the user/);
    await expect(h[CHANNELS.pickClips]()).resolves.toEqual(['/clips/a.mp4']);
    await expect(h[CHANNELS.probe]('/clips/a.mp4')).resolves.toEqual({ method: 'probe' });
    await expect(h[CHANNELS.probe]('/clips/../etc/passwd')).rejects.toThrow();
    await expect(h[CHANNELS.thumbnails]('/clips/a.mp4', 1000)).rejects.toThrow(/Invalid request/);
  });

  it('validates export requests with zod and checks the output location', async () => {
    const { h, calls } = setup();
    await h[CHANNELS.pickClips]();
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', stabilize: 3 })).rejects.toThrow(/Invalid request/);
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', evil: true })).rejects.toThrow(/Invalid request/);
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/root/x.mp4' })).rejects.toThrow(/output must go/);
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', loudnorm: true })).resolves.toEqual({ jobId: 'job-1' });
    expect(calls.filter(([m]) => m === 'startExport')).toHaveLength(1);
    await expect(h[CHANNELS.cancelJob]('../../x')).rejects.toThrow(/Invalid request/);
  });

  it('lets outputs go into a picked folder', async () => {
    const { h } = setup();
    await h[CHANNELS.pickClips]();
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/out/a.mp4' })).rejects.toThrow(/output must go/);
    await h[CHANNELS.pickOutputFolder]();
    await expect(h[CHANNELS.startExport]({ input: '/clips/a.mp4', output: '/out/a.mp4' })).resolves.toEqual({ jobId: 'job-1' });
  });
});
