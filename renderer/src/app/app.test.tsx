// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, ExportJobRequest } from '../../../electron/common/api';
import { setEngine } from '../api/engine';
import { resetApp, useApp } from '../stores/store';
import { fakeEngine } from '../testing/fake-engine';
import { mount, settle } from '../testing/mount';
import { App } from './app';

describe("the desktop app's menu events", () => {
  let view: ReturnType<typeof mount> | undefined;
  let listeners: Array<(e: AppEvent) => void>;
  let requests: ExportJobRequest[];

  beforeEach(async () => {
    listeners = [];
    requests = [];
    setEngine(
      fakeEngine({
        startExport: async (r) => (requests.push(r), { jobId: 'job-1', output: r.output }),
        onAppEvent: (listener) => {
          listeners.push(listener);
          return () => listeners.splice(listeners.indexOf(listener), 1);
        },
      }),
    );
    resetApp();
    view = mount(<App />);
    await settle(); // the engine info
  });

  afterEach(() => view?.unmount());

  const send = (e: AppEvent) => settle(() => listeners.forEach((l) => l(e)));

  it('adds the clips main opened and exports the selected one', async () => {
    expect(listeners).toHaveLength(1);
    await send({ type: 'export-selected' }); // nothing selected yet: nothing to export
    expect(requests).toEqual([]);
    await send({ type: 'open-clips', paths: ['/clips/a.mp4', '/clips/b.mp4'] });
    expect(useApp.getState().clips.map((c) => c.path)).toEqual(['/clips/a.mp4', '/clips/b.mp4']);
    expect(useApp.getState().selectedPath).toBe('/clips/a.mp4');
    await send({ type: 'export-selected' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ input: '/clips/a.mp4', output: '/clips/a_clean.mp4', device: 'cpu' });
    expect(view!.host.querySelector('[role="tab"][aria-selected="true"]')!.textContent).toMatch(/^Queue/);
  });

  it('unsubscribes when the app goes away', () => {
    view!.unmount();
    view = undefined;
    expect(listeners).toEqual([]);
  });
});
