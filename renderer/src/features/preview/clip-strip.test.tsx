// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetApp, useApp } from '../../stores/store';
import type { ClipEntry } from '../library/library-slice';
import { ClipStrip, ZoomControls } from './clip-strip';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const clip = { path: '/c.mp4', name: 'c.mp4', thumbs: [], peaks: [], info: { durationSeconds: 10 } } as unknown as ClipEntry;
const WIDTH = 1000;

function pointer(el: Element, type: string, clientX: number) {
  act(() => void el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, clientX, button: 0 })));
}

describe('the timeline', () => {
  let root: Root;
  let host: HTMLDivElement;

  beforeEach(() => {
    resetApp();
    useApp.getState().setCues([{ start: 1, end: 3, lines: ['first'] }, { start: 4, end: 6, lines: ['second'] }]);
    Element.prototype.setPointerCapture = () => {};
    Element.prototype.getBoundingClientRect = function (this: Element) {
      const w = this.classList.contains('strip') ? WIDTH * useApp.getState().timelineZoom : WIDTH;
      return { left: 0, top: 0, right: w, bottom: 100, width: w, height: 100, x: 0, y: 0, toJSON: () => ({}) } as DOMRect;
    };
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    act(() => root.render(<><ClipStrip clip={clip} /><ZoomControls /></>));
  });

  afterEach(() => {
    act(() => root.unmount());
    host.remove();
  });

  it('shows each caption as a block on its own track', () => {
    const blocks = host.querySelectorAll<HTMLElement>('.cue-track .cue-block');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.style.left).toBe('10%');
  });

  it('retimes a caption by dragging its edge, as one undo step', () => {
    const edge = host.querySelector('[aria-label="Caption 1 end edge"]')!;
    pointer(edge, 'pointerdown', 300);
    pointer(edge, 'pointermove', 320);
    pointer(edge, 'pointermove', 350);
    expect(useApp.getState().cues[0]!.end).toBe(3.5);
    pointer(edge, 'pointermove', 900); // past the next caption's start: stops there
    pointer(edge, 'pointerup', 900);
    expect(useApp.getState().cues[0]!.end).toBe(4);
    expect(useApp.getState().past).toHaveLength(1);
    act(() => useApp.getState().undo());
    expect(useApp.getState().cues[0]!.end).toBe(3);
    expect(useApp.getState().playhead).toBe(0); // the edge drag did not scrub
  });

  it('scrubs while the pointer is dragged along the strip', () => {
    const strip = host.querySelector('.strip')!;
    pointer(strip, 'pointerdown', 100);
    expect(useApp.getState().playhead).toBe(1);
    pointer(strip, 'pointermove', 550);
    expect(useApp.getState().playhead).toBe(5.5);
    pointer(strip, 'pointerup', 550);
    pointer(strip, 'pointermove', 800);
    expect(useApp.getState().playhead).toBe(5.5);
  });

  it('zooms with the buttons and Ctrl+wheel, and the strip widens', () => {
    const strip = host.querySelector<HTMLElement>('.strip')!;
    act(() => host.querySelector<HTMLButtonElement>('[aria-label="Zoom in"]')!.click());
    expect(useApp.getState().timelineZoom).toBe(2);
    expect(strip.style.width).toBe('200%');
    act(() => void host.querySelector('.timeline-scroll')!.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, ctrlKey: true, deltaY: -300, clientX: 500 })));
    expect(useApp.getState().timelineZoom).toBeCloseTo(4);
    // At 4x the strip is 4000 px wide: x = 2000 is the middle of the clip.
    pointer(strip, 'pointerdown', 2000);
    expect(useApp.getState().playhead).toBe(5);
    act(() => host.querySelector<HTMLButtonElement>('.zoom-level')!.click());
    expect(useApp.getState().timelineZoom).toBe(1);
  });
});
