// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportJobRequest } from '../../../../electron/common/api';
import { setEngine } from '../../api/engine';
import { resetApp, useApp } from '../../stores/store';
import { fakeEngine, FAKE_INFO } from '../../testing/fake-engine';
import { choose, mount } from '../../testing/mount';
import { EnhancePanel } from '../enhance/enhance-panel';
import { SettingsDialog } from './settings-dialog';
import { exportDevice } from './settings-slice';

describe('the inference device setting', () => {
  let view: ReturnType<typeof mount> | undefined;
  const requests: ExportJobRequest[] = [];

  beforeEach(async () => {
    localStorage.clear();
    requests.length = 0;
    setEngine(fakeEngine({ startExport: async (r) => (requests.push(r), { jobId: 'job-1', output: r.output }) }));
    resetApp();
    await useApp.getState().loadEngineInfo();
  });

  afterEach(() => {
    view?.unmount();
    view = undefined;
  });

  const deviceSelect = (host: HTMLElement) => host.querySelector<HTMLSelectElement>('select[data-setting="device"]')!;

  it('offers the devices the engine reports, the unavailable ones disabled with the reason', () => {
    view = mount(<SettingsDialog />);
    const options = [...deviceSelect(view.host).options];
    expect(options.map((o) => [o.value, o.disabled])).toEqual([['cpu', false], ['cuda', false], ['coreml', true], ['dml', true]]);
    expect(options[2]!.textContent).toBe('Apple Core ML (unavailable)');
    expect(options[2]!.title).toBe('Core ML runs on macOS only.');
    expect(view.host.querySelector('.device-notes')!.textContent).toContain('DirectML runs on Windows only.');
    expect(view.host.querySelector('label[for="device"]')).not.toBeNull();
  });

  it('is chosen in Settings, persisted, undone and redone like the other settings, and shown in the Enhance panel', () => {
    view = mount(<><SettingsDialog /><EnhancePanel /></>);
    const [inSettings, inEnhance] = view.host.querySelectorAll<HTMLSelectElement>('select[data-setting="device"]');
    choose(inSettings!, 'cuda');
    expect(useApp.getState().settings.device).toBe('cuda');
    expect(JSON.parse(localStorage.getItem('clearcut-settings')!)).toMatchObject({ device: 'cuda' });
    expect(inEnhance!.value).toBe('cuda');

    const button = (name: string) => [...view!.host.querySelectorAll('button')].find((b) => b.textContent === name)!;
    act(() => button('Undo').click());
    expect(useApp.getState().settings.device).toBe('cpu');
    expect(inSettings!.value).toBe('cpu');
    expect(JSON.parse(localStorage.getItem('clearcut-settings')!)).toMatchObject({ device: 'cpu' });
    act(() => button('Redo').click());
    expect(useApp.getState().settings.device).toBe('cuda');
    expect(button('Redo').disabled).toBe(true);

    // Chosen in the Enhance panel: the same setting.
    choose(inEnhance!, 'cpu');
    expect(useApp.getState().settings.device).toBe('cpu');
    expect(useApp.getState().settingsPast.map((s) => s.device)).toEqual(['cpu', 'cuda']);
  });

  it('goes with the export request', async () => {
    await useApp.getState().addClips(['/clips/a.mp4']);
    useApp.getState().updateSettings({ device: 'cuda' });
    await useApp.getState().exportSelected();
    expect(requests[0]).toMatchObject({ input: '/clips/a.mp4', device: 'cuda' });
    expect(useApp.getState().jobs[0]!.request?.device).toBe('cuda');
  });

  it('asks for the CPU when the engine cannot use the chosen device, and says so', () => {
    useApp.getState().updateSettings({ device: 'dml' });
    view = mount(<SettingsDialog />);
    expect(view.host.querySelector('.warn-text')!.textContent).toMatch(/GPU \(DirectML\) cannot be used here, so exports run on the CPU/);
    expect(exportDevice('dml', FAKE_INFO)).toBe('cpu');
    expect(exportDevice('cuda', FAKE_INFO)).toBe('cuda');
    expect(exportDevice('cuda', undefined)).toBe('cpu');
  });
});
