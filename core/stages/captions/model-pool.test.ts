/** The per-process model pool: one VAD session shared by concurrent streams, freed when idle. */
import { afterAll, describe, expect, it } from 'vitest';
import { acquireVadSession, loadedCaptionModels, releaseIdleCaptionModels, setCaptionModelIdleTime } from './model-pool.js';
import { StreamingVad } from './vad-stream.js';

describe('caption model pool', () => {
  afterAll(async () => {
    setCaptionModelIdleTime(120_000);
    await releaseIdleCaptionModels();
  });

  it('shares one VAD session and keeps it while anyone holds it', async () => {
    const a = await acquireVadSession('cpu');
    const b = await acquireVadSession('cpu');
    expect(b.session).toBe(a.session);
    expect(loadedCaptionModels()).toContainEqual({ key: 'vad:cpu', users: 2 });
    a.release();
    a.release(); // a second release of the same hold does nothing
    expect(await releaseIdleCaptionModels()).toBe(0);
    b.release();
    expect(loadedCaptionModels()).toContainEqual({ key: 'vad:cpu', users: 0 });
    expect(await releaseIdleCaptionModels()).toBe(1);
    expect(loadedCaptionModels().find((m) => m.key === 'vad:cpu')).toBeUndefined();
  });

  it('gives streams on the shared session their own state', async () => {
    let s = 9;
    const noise = Float32Array.from({ length: 16000 }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2);
    const one = await StreamingVad.create();
    const alone = await one.push(noise);
    await one.dispose();
    const [x, y] = await Promise.all([StreamingVad.create(), StreamingVad.create()]);
    const [px, py] = await Promise.all([x.push(noise), y.push(new Float32Array(16000))]);
    expect(Array.from(px)).toEqual(Array.from(alone));
    expect(py.length).toBe(alone.length);
    await x.dispose();
    await y.dispose();
    setCaptionModelIdleTime(0);
  });
});
