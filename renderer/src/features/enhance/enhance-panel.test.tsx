// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { setEngine } from '../../api/engine';
import { resetApp, useApp } from '../../stores/store';
import { FAKE_INFO, fakeEngine } from '../../testing/fake-engine';
import { mount, settle } from '../../testing/mount';
import { EnhancePanel } from './enhance-panel';

describe('the enhance panel for a clip without audio', () => {
  let view: ReturnType<typeof mount> | undefined;
  afterEach(() => view?.unmount());

  it('shows the audio stages as not for this clip, and the video stages as usual', async () => {
    resetApp();
    setEngine(
      fakeEngine({
        info: async () => ({ ...FAKE_INFO, capabilities: FAKE_INFO.capabilities.map((c) => ({ ...c, available: true })) }),
        probe: async (path) => ({ path, durationSeconds: 4, width: 320, height: 240, variableFrameRate: false, rotation: 0, audioTracks: 0, warnings: [] }),
      }),
    );
    await useApp.getState().loadEngineInfo();
    await useApp.getState().addClips(['/clips/gopro.mp4']);
    view = mount(<EnhancePanel />);
    await settle();
    const box = (id: string) => view!.host.querySelector<HTMLInputElement>(`input[data-stage="${id}"]`)!;
    for (const id of ['denoiseAudio', 'loudnorm', 'captions']) {
      expect(box(id).disabled).toBe(true);
      expect(box(id).checked).toBe(false);
      expect(box(id).closest('li')!.textContent).toContain('no audio');
    }
    expect(box('stabilize').disabled).toBe(false);
    expect(view.host.querySelector('[aria-label="Clean up speech strength"]')).toBeNull();
    // The Default preset's speech cleanup stays chosen for the next clip that has a voice.
    expect(useApp.getState().stages.denoiseAudio.on).toBe(true);
  });
});
