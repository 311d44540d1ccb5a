// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PreviewRequest, PreviewResult } from '../../../../electron/common/api';
import { setEngine } from '../../api/engine';
import { handleShortcut } from '../../app/shortcuts';
import { resetApp, useApp } from '../../stores/store';
import { fakeEngine } from '../../testing/fake-engine';
import { mount, settle } from '../../testing/mount';
import { PreviewPanel } from './preview-panel';

describe('a preview being rendered', () => {
  let view: ReturnType<typeof mount> | undefined;
  let requests: PreviewRequest[];
  let cancelled: string[];
  let finish: { resolve: (r: PreviewResult) => void; reject: (e: Error) => void }[];

  beforeEach(async () => {
    resetApp();
    requests = [];
    cancelled = [];
    finish = [];
    setEngine(
      fakeEngine({
        renderPreview: (r) => {
          requests.push(r);
          return new Promise((resolve, reject) => finish.push({ resolve, reject }));
        },
        cancelJob: async (id) => {
          cancelled.push(id);
          finish.at(-1)?.reject(new Error('Cancelled.'));
        },
      }),
    );
    await useApp.getState().addClips(['/clips/long.mp4']);
    view = mount(<PreviewPanel />);
  });
  afterEach(() => {
    view?.unmount();
    view = undefined;
  });

  const progressBar = () => view!.host.querySelector('[role="progressbar"][aria-label="Preview progress"]');
  const progress = (jobId: string, stage: string, fraction: number, eta: number | null) =>
    settle(() => useApp.getState().applyJobEvent({ type: 'progress', jobId, stage, done: 0, total: 0, fps: 0, eta, fraction }));

  it('shows its phase, share done and time left from the job events with its id', async () => {
    await settle(() => view!.host.querySelector<HTMLButtonElement>('[data-action="render-preview"]')!.click());
    const id = requests[0]!.previewId!;
    expect(id).toMatch(/^preview-[a-z0-9-]+$/);
    expect(progressBar()!.getAttribute('aria-valuenow')).toBe('0');
    await progress(id, 'analyze-clip-motion', 0.42, 75);
    expect(progressBar()!.getAttribute('aria-valuenow')).toBe('42');
    const text = view!.host.querySelector('.preview-progress')!.textContent!;
    expect(text).toContain('Measuring the camera motion of the whole clip');
    expect(text).toContain('42% 1:15 left');
    // Another preview's (an older, cancelled one) or an export's events do not move it, nor enter the queue.
    await progress('preview-older-1', 'render', 0.9, 1);
    await progress('0123456789abcdef', 'encode', 0.9, 1);
    expect(progressBar()!.getAttribute('aria-valuenow')).toBe('42');
    expect(useApp.getState().jobs).toEqual([]);
    await settle(() => finish[0]!.resolve({ before: '/w/before.mp4', after: '/w/after.mp4', start: 0, duration: 3, notes: [], warnings: [] }));
    expect(progressBar()).toBeNull();
    expect(useApp.getState().previewStatus).toBe('ready');
  });

  it('Cancel (or Esc) stops it by its id and goes back to what was shown, without an error', async () => {
    await settle(() => view!.host.querySelector<HTMLButtonElement>('[data-action="render-preview"]')!.click());
    await progress(requests[0]!.previewId!, 'render', 0.5, 10);
    await settle(() => view!.host.querySelector<HTMLButtonElement>('[data-action="cancel-preview"]')!.click());
    expect(cancelled).toEqual([requests[0]!.previewId]);
    expect(useApp.getState().previewStatus).toBe('idle');
    expect(progressBar()).toBeNull();
    expect(view!.host.querySelector('.error')).toBeNull();
    expect(view!.host.querySelector<HTMLButtonElement>('[data-action="render-preview"]')!.disabled).toBe(false);

    await settle(() => view!.host.querySelector<HTMLButtonElement>('[data-action="render-preview"]')!.click());
    expect(requests[1]!.previewId).not.toBe(requests[0]!.previewId);
    const esc = new KeyboardEvent('keydown', { key: 'Escape' });
    await settle(() => void handleShortcut(esc, { openClips: () => {} }));
    expect(cancelled).toEqual([requests[0]!.previewId, requests[1]!.previewId]);
    expect(useApp.getState().previewStatus).toBe('idle');
  });
});
