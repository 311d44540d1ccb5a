/** Timeline math, kept free of React and the DOM so it can be tested on its own. */

/** Zoom is a multiple of "the whole clip fits the strip". */
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 32;
/** Each button press or +/- key multiplies or divides the zoom by this. */
export const ZOOM_STEP = 2;
/** The shortest a caption can be dragged to, seconds. */
export const MIN_CUE_SECONDS = 0.1;

export const clampZoom = (zoom: number): number => (Number.isFinite(zoom) ? Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom)) : MIN_ZOOM);

/** One Ctrl+wheel event's zoom: scrolling up (negative deltaY) zooms in; ~300 px of wheel is one step. */
export const wheelZoom = (zoom: number, deltaY: number): number => clampZoom(zoom * Math.pow(ZOOM_STEP, -deltaY / 300));

/** Seconds at a pixel of the strip, the strip being `width` px for the whole clip; clamped to the clip. */
export function xToTime(x: number, width: number, duration: number): number {
  if (width <= 0 || duration <= 0) return 0;
  return Math.min(duration, Math.max(0, (x / width) * duration));
}

/**
 * Where to scroll after a zoom so the time under `anchorX` (px from the left of the visible
 * viewport) stays under it. Returns the new scrollLeft, clamped to what the content allows.
 */
export function scrollForZoom(opts: { oldZoom: number; newZoom: number; scrollLeft: number; viewport: number; anchorX: number }): number {
  const { oldZoom, newZoom, scrollLeft, viewport, anchorX } = opts;
  const oldWidth = viewport * oldZoom;
  const newWidth = viewport * newZoom;
  const fraction = oldWidth > 0 ? (scrollLeft + anchorX) / oldWidth : 0;
  const next = fraction * newWidth - anchorX;
  return Math.min(Math.max(0, newWidth - viewport), Math.max(0, next));
}

/** The scrollLeft that brings time `t` into view (a tenth in from the edge), or undefined when it is already visible. */
export function scrollToShow(opts: { t: number; duration: number; zoom: number; scrollLeft: number; viewport: number }): number | undefined {
  const { t, duration, zoom, scrollLeft, viewport } = opts;
  if (duration <= 0 || zoom <= 1) return undefined;
  const width = viewport * zoom;
  const x = (t / duration) * width;
  if (x >= scrollLeft && x <= scrollLeft + viewport) return undefined;
  return Math.min(width - viewport, Math.max(0, x - viewport * 0.1));
}

export interface CueTiming {
  id: number;
  start: number;
  end: number;
}

/**
 * The new start or end of cue `id` when its edge is dragged to time `t`: rounded to the
 * millisecond, kept at least MIN_CUE_SECONDS long, inside the clip and clear of its neighbours.
 * Undefined when there is no such cue. Cues are sorted by start.
 */
export function dragCueEdge(cues: readonly CueTiming[], id: number, edge: 'start' | 'end', t: number, duration: number): Partial<Pick<CueTiming, 'start' | 'end'>> | undefined {
  const i = cues.findIndex((c) => c.id === id);
  const cue = cues[i];
  if (!cue) return undefined;
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  const end = duration > 0 ? duration : Infinity;
  if (edge === 'start') {
    const lo = Math.min(cues[i - 1]?.end ?? 0, cue.start);
    const hi = Math.max(lo, cue.end - MIN_CUE_SECONDS);
    return { start: ms(Math.min(hi, Math.max(lo, t))) };
  }
  const hi = Math.max(cues[i + 1]?.start ?? end, cue.end);
  const lo = Math.min(hi, cue.start + MIN_CUE_SECONDS);
  return { end: ms(Math.min(hi, Math.max(lo, t))) };
}
