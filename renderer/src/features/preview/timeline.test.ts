import { beforeEach, describe, expect, it } from 'vitest';
import { resetApp, useApp } from '../../stores/store';
import { dropMessage } from '../library/library-panel';
import { clampZoom, dragCueEdge, MAX_ZOOM, MIN_CUE_SECONDS, scrollForZoom, scrollToShow, wheelZoom, xToTime } from './timeline';

const cues = [
  { id: 1, start: 0.5, end: 2 },
  { id: 2, start: 2.5, end: 4 },
  { id: 3, start: 4, end: 6 },
];

describe('dragging a caption edge', () => {
  it('moves the edge to the pointer, rounded to the millisecond', () => {
    expect(dragCueEdge(cues, 1, 'end', 2.23456, 10)).toEqual({ end: 2.235 });
    expect(dragCueEdge(cues, 2, 'start', 2.7, 10)).toEqual({ start: 2.7 });
  });

  it('stops at the neighbours and the clip', () => {
    expect(dragCueEdge(cues, 1, 'start', -3, 10)).toEqual({ start: 0 });
    expect(dragCueEdge(cues, 1, 'end', 3.2, 10)).toEqual({ end: 2.5 });
    expect(dragCueEdge(cues, 2, 'start', 1, 10)).toEqual({ start: 2 });
    expect(dragCueEdge(cues, 3, 'end', 99, 10)).toEqual({ end: 10 });
  });

  it('keeps a caption at least MIN_CUE_SECONDS long', () => {
    expect(dragCueEdge(cues, 1, 'start', 5, 10)).toEqual({ start: 2 - MIN_CUE_SECONDS });
    expect(dragCueEdge(cues, 2, 'end', 0, 10)).toEqual({ end: 2.5 + MIN_CUE_SECONDS });
  });

  it('never pulls an edge into an overlap that already exists the other way', () => {
    const overlapping = [{ id: 1, start: 0, end: 3 }, { id: 2, start: 2, end: 4 }];
    expect(dragCueEdge(overlapping, 2, 'start', 1, 10)).toEqual({ start: 2 });
    expect(dragCueEdge(overlapping, 2, 'start', 2.5, 10)).toEqual({ start: 2.5 });
    expect(dragCueEdge(overlapping, 9, 'start', 1, 10)).toBeUndefined();
  });
});

describe('timeline zoom and scrolling', () => {
  it('clamps zoom and zooms in on wheel-up', () => {
    expect(clampZoom(0.2)).toBe(1);
    expect(clampZoom(1e6)).toBe(MAX_ZOOM);
    expect(clampZoom(Number.NaN)).toBe(1);
    expect(wheelZoom(2, -300)).toBeCloseTo(4);
    expect(wheelZoom(2, 300)).toBeCloseTo(1);
    expect(wheelZoom(1, 300)).toBe(1);
  });

  it('maps pixels to seconds', () => {
    expect(xToTime(250, 1000, 8)).toBe(2);
    expect(xToTime(-5, 1000, 8)).toBe(0);
    expect(xToTime(5000, 1000, 8)).toBe(8);
    expect(xToTime(10, 0, 8)).toBe(0);
  });

  it('keeps the time under the pointer in place when zooming', () => {
    // 800 px viewport, pointer at 200 px: at 1x that is 1/4 of the clip; at 2x it must stay at 200 px.
    const scroll = scrollForZoom({ oldZoom: 1, newZoom: 2, scrollLeft: 0, viewport: 800, anchorX: 200 });
    expect(scroll).toBe(200);
    expect((scroll + 200) / 1600).toBe(0.25);
    // Zooming back out clamps to what the content allows.
    expect(scrollForZoom({ oldZoom: 2, newZoom: 1, scrollLeft: 200, viewport: 800, anchorX: 200 })).toBe(0);
    expect(scrollForZoom({ oldZoom: 4, newZoom: 8, scrollLeft: 2400, viewport: 800, anchorX: 800 })).toBe(5600);
  });

  it('scrolls only when the playhead leaves the view', () => {
    expect(scrollToShow({ t: 1, duration: 10, zoom: 4, scrollLeft: 0, viewport: 800 })).toBeUndefined();
    expect(scrollToShow({ t: 5, duration: 10, zoom: 4, scrollLeft: 0, viewport: 800 })).toBe(1600 - 80);
    expect(scrollToShow({ t: 10, duration: 10, zoom: 4, scrollLeft: 0, viewport: 800 })).toBe(2400);
    expect(scrollToShow({ t: 5, duration: 10, zoom: 1, scrollLeft: 0, viewport: 800 })).toBeUndefined();
  });
});

describe('timeline state in the store', () => {
  beforeEach(() => resetApp());

  it('zooms by steps within limits', () => {
    const s = () => useApp.getState();
    s().zoomTimeline(-1);
    expect(s().timelineZoom).toBe(1);
    s().zoomTimeline(1);
    s().zoomTimeline(1);
    expect(s().timelineZoom).toBe(4);
    for (let i = 0; i < 10; i++) s().zoomTimeline(1);
    expect(s().timelineZoom).toBe(MAX_ZOOM);
    s().setTimelineZoom(0);
    expect(s().timelineZoom).toBe(1);
  });

  it('makes a whole edge drag one undo step', () => {
    const s = () => useApp.getState();
    s().setCues([{ start: 0, end: 2, lines: ['one'] }, { start: 3, end: 5, lines: ['two'] }]);
    const id = s().cues[0]!.id;
    for (const end of [2.2, 2.5, 2.8]) s().dragCue(id, { end });
    expect(s().past).toHaveLength(0);
    s().endCueDrag();
    expect(s().cues[0]!.end).toBe(2.8);
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().cues[0]!.end).toBe(2);
    s().redo();
    expect(s().cues[0]!.end).toBe(2.8);
    // A click on an edge without moving it adds nothing to undo.
    s().endCueDrag();
    expect(s().past).toHaveLength(1);
  });
});

describe('dropping files in the browser', () => {
  it('says to use Open instead', () => {
    expect(dropMessage(['a.mp4'])).toMatch(/“a\.mp4”.*Use Open/);
    expect(dropMessage(['a.mp4', 'b.mov'])).toContain('2 files');
  });
});
