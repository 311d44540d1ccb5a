// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../../../electron/common/api';
import { setEngine } from '../../api/engine';
import { resetApp, useApp } from '../../stores/store';
import { fakeEngine } from '../../testing/fake-engine';
import { mount, settle } from '../../testing/mount';
import { LibraryPanel } from './library-panel';

/** Drops files on an element: jsdom has no DataTransfer, so the event carries a stand-in. */
function drop(el: Element, files: File[]): void {
  const event = new Event('drop', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { files, types: ['Files'], dropEffect: 'none' } });
  act(() => void el.dispatchEvent(event));
}

describe('dropping files on the library', () => {
  let view: ReturnType<typeof mount> | undefined;
  const clip = new File(['x'], 'holiday.mp4', { type: 'video/mp4' });

  const open = async (over: Partial<EngineApi>) => {
    setEngine(fakeEngine(over));
    await useApp.getState().loadEngineInfo();
    view = mount(<LibraryPanel />);
    return view.host.querySelector('section.library')!;
  };

  beforeEach(() => resetApp());
  afterEach(() => {
    view?.unmount();
    view = undefined;
  });

  it('opens them in the desktop app, like the Open flow', async () => {
    const dropped: File[][] = [];
    const panel = await open({ openDroppedFiles: async (files) => (dropped.push([...files]), ['/clips/holiday.mp4']) });
    drop(panel, [clip]);
    await settle();
    expect(dropped).toEqual([[clip]]);
    expect(useApp.getState().clips.map((c) => c.path)).toEqual(['/clips/holiday.mp4']);
    expect(useApp.getState().selectedPath).toBe('/clips/holiday.mp4');
    expect(useApp.getState().clips[0]!.info?.width).toBe(640);
    expect(view!.host.querySelector('.drop-note')).toBeNull();
  });

  it('says so when the desktop app opened none of them, or the engine refused', async () => {
    let answer: () => Promise<string[]> = async () => [];
    const panel = await open({ openDroppedFiles: () => answer() });
    drop(panel, [clip]);
    await settle();
    expect(view!.host.querySelector('.drop-note')!.textContent).toContain('Nothing dropped there is a clip Clearcut can open.');
    answer = () => Promise.reject(new Error('/clips/notes.txt is not media'));
    drop(panel, [clip]);
    await settle();
    expect(view!.host.querySelector('.drop-note')!.textContent).toContain('/clips/notes.txt is not media');
    expect(useApp.getState().clips).toEqual([]);
  });

  it('points to Open in a browser, which never tells the page where a file is', async () => {
    const panel = await open({});
    drop(panel, [clip]);
    await settle();
    expect(view!.host.querySelector('.drop-note')!.textContent).toMatch(/Can't open “holiday.mp4” by dropping/);
    expect(useApp.getState().clips).toEqual([]);
  });
});
