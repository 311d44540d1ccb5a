/**
 * The timeline: filmstrip, waveform, caption blocks on their own track, playhead and preview
 * region. Click or drag to scrub; drag a caption's edges to retime it (one undo step a drag);
 * Ctrl+wheel, +/- or the buttons zoom, and the view follows the playhead when zoomed in.
 */
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { ClipEntry } from '../library/library-slice';
import { useApp } from '../../stores/store';
import { formatTime } from '../captions/caption-checks';
import { PREVIEW_SECONDS } from './preview-slice';
import { dragCueEdge, MAX_ZOOM, MIN_ZOOM, scrollForZoom, scrollToShow, wheelZoom, xToTime } from './timeline';

export function ClipStrip({ clip }: { clip: ClipEntry }) {
  const playhead = useApp((s) => s.playhead);
  const setPlayhead = useApp((s) => s.setPlayhead);
  const cues = useApp((s) => s.cues);
  const selectedCue = useApp((s) => s.selectedCue);
  const zoom = useApp((s) => s.timelineZoom);
  const result = useApp((s) => s.previewResult);
  const { selectCue, dragCue, endCueDrag, setTimelineZoom } = useApp.getState();
  const scroller = useRef<HTMLDivElement>(null);
  const strip = useRef<HTMLDivElement>(null);
  const scrubbing = useRef(false);
  const edgeDrag = useRef<{ id: number; edge: 'start' | 'end' } | undefined>(undefined);
  const wheelAnchor = useRef<number | undefined>(undefined);
  const prevZoom = useRef(zoom);
  const lastScroll = useRef(0);
  const duration = clip.info?.durationSeconds ?? 0;

  // Ctrl+wheel zooms around the pointer (a non-passive listener, so the page itself does not zoom).
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      wheelAnchor.current = e.clientX - el.getBoundingClientRect().left;
      setTimelineZoom(wheelZoom(useApp.getState().timelineZoom, e.deltaY));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [duration > 0]);

  // After a zoom, keep the time under the pointer (or the playhead, or the middle) where it was.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || prevZoom.current === zoom) return;
    const viewport = el.clientWidth;
    const playheadX = (playhead / (duration || 1)) * viewport * prevZoom.current - lastScroll.current;
    const anchorX = wheelAnchor.current ?? (playheadX >= 0 && playheadX <= viewport ? playheadX : viewport / 2);
    el.scrollLeft = scrollForZoom({ oldZoom: prevZoom.current, newZoom: zoom, scrollLeft: lastScroll.current, viewport, anchorX });
    lastScroll.current = el.scrollLeft;
    prevZoom.current = zoom;
    wheelAnchor.current = undefined;
  }, [zoom]);

  // Zoomed in, the view follows the playhead (playback, J/L), except while the user drags.
  useEffect(() => {
    const el = scroller.current;
    if (!el || scrubbing.current || edgeDrag.current) return;
    const next = scrollToShow({ t: playhead, duration, zoom, scrollLeft: el.scrollLeft, viewport: el.clientWidth });
    if (next !== undefined) el.scrollLeft = next;
  }, [playhead]);

  if (!duration) return null;
  const pct = (t: number) => `${(Math.min(duration, Math.max(0, t)) / duration) * 100}%`;
  const timeAt = (clientX: number) => {
    const r = strip.current!.getBoundingClientRect();
    return xToTime(clientX - r.left, r.width, duration);
  };
  // The rendered preview's region while the playhead is in it (playback), else where P would render.
  const inResult = result && playhead >= result.start - 1e-3 && playhead <= result.start + result.duration + 1e-3;
  const region = inResult ? result.start : Math.max(0, Math.min(playhead, duration - PREVIEW_SECONDS));
  const regionEnd = inResult ? result.start + result.duration : region + PREVIEW_SECONDS;
  const peaks = clip.peaks;
  const wave = peaks.length ? peaks.map((p, i) => `${(i / (peaks.length - 1)) * 1000},${50 - p * 48} `).join('') + peaks.map((p, i) => `${((peaks.length - 1 - i) / (peaks.length - 1)) * 1000},${50 + peaks[peaks.length - 1 - i]! * 48} `).join('') : '';

  const startEdgeDrag = (e: ReactPointerEvent, id: number, edge: 'start' | 'end') => {
    e.stopPropagation();
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    edgeDrag.current = { id, edge };
    selectCue(id);
  };
  const moveEdge = (e: ReactPointerEvent) => {
    const d = edgeDrag.current;
    if (!d) return;
    const patch = dragCueEdge(useApp.getState().cues, d.id, d.edge, timeAt(e.clientX), duration);
    if (patch) dragCue(d.id, patch);
  };
  const endEdge = () => {
    if (!edgeDrag.current) return;
    edgeDrag.current = undefined;
    endCueDrag();
  };
  const nudgeEdge = (e: ReactKeyboardEvent, id: number, edge: 'start' | 'end') => {
    const step = e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : 0;
    if (!step) return;
    e.preventDefault();
    e.stopPropagation();
    const cue = useApp.getState().cues.find((c) => c.id === id);
    if (!cue) return;
    const patch = dragCueEdge(useApp.getState().cues, id, edge, cue[edge] + step * (e.shiftKey ? 0.01 : 0.1), duration);
    if (patch) {
      dragCue(id, patch);
      endCueDrag();
    }
  };

  return (
    <div className="timeline-scroll" ref={scroller} onScroll={(e) => (lastScroll.current = e.currentTarget.scrollLeft)} data-zoom={zoom}>
      <div
        ref={strip}
        className="strip"
        style={{ width: `${zoom * 100}%` }}
        role="slider"
        aria-label="Playhead"
        aria-valuemin={0}
        aria-valuemax={duration}
        aria-valuenow={playhead}
        aria-valuetext={formatTime(playhead)}
        tabIndex={0}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          scrubbing.current = true;
          setPlayhead(timeAt(e.clientX));
        }}
        onPointerMove={(e) => scrubbing.current && setPlayhead(timeAt(e.clientX))}
        onPointerUp={() => (scrubbing.current = false)}
        onPointerCancel={() => (scrubbing.current = false)}
      >
        {clip.thumbs.length > 0 && (
          <div className="filmstrip">
            {clip.thumbs.map((t, i) => <img key={i} src={t} alt="" draggable={false} />)}
          </div>
        )}
        {wave && (
          <svg className="waveform" viewBox="0 0 1000 100" preserveAspectRatio="none" aria-hidden>
            <polygon points={wave} />
          </svg>
        )}
        <div className="cue-track" aria-label="Caption track">
          {cues.map((c, i) => (
            <div
              key={c.id}
              className={`cue-block ${c.id === selectedCue ? 'selected' : ''}`}
              data-cue-block={i}
              style={{ left: pct(c.start), width: `calc(${pct(c.end)} - ${pct(c.start)})` }}
              title={`${formatTime(c.start)} → ${formatTime(c.end)}\n${c.text}`}
              onPointerDown={(e) => e.stopPropagation()}
              onClick={() => {
                selectCue(c.id);
                setPlayhead(c.start);
                document.querySelector(`[data-cue="${i}"]`)?.scrollIntoView({ block: 'nearest' });
              }}
            >
              <span className="cue-label">{c.text.split('\n')[0]}</span>
              {(['start', 'end'] as const).map((edge) => (
                <span
                  key={edge}
                  className={`cue-edge ${edge}`}
                  role="slider"
                  tabIndex={0}
                  aria-label={`Caption ${i + 1} ${edge} edge`}
                  aria-valuemin={0}
                  aria-valuemax={duration}
                  aria-valuenow={c[edge]}
                  aria-valuetext={formatTime(c[edge])}
                  title={`Drag to move the ${edge} (←/→ nudge, Shift for 10 ms)`}
                  onPointerDown={(e) => startEdgeDrag(e, c.id, edge)}
                  onPointerMove={moveEdge}
                  onPointerUp={endEdge}
                  onPointerCancel={endEdge}
                  onLostPointerCapture={endEdge}
                  onClick={(e) => e.stopPropagation()}
                  onKeyDown={(e) => nudgeEdge(e, c.id, edge)}
                />
              ))}
            </div>
          ))}
        </div>
        <div className="region" style={{ left: pct(region), width: `calc(${pct(regionEnd)} - ${pct(region)})` }} />
        <div className="playhead" style={{ left: pct(playhead) }} />
      </div>
    </div>
  );
}

/** −/+ zoom buttons and the current zoom, for the transport row. */
export function ZoomControls() {
  const zoom = useApp((s) => s.timelineZoom);
  const { zoomTimeline, setTimelineZoom } = useApp.getState();
  return (
    <div className="segmented zoom" role="group" aria-label="Timeline zoom">
      <button onClick={() => zoomTimeline(-1)} disabled={zoom <= MIN_ZOOM} aria-label="Zoom out" title="Zoom out (−, Ctrl+wheel)">−</button>
      <button onClick={() => setTimelineZoom(1)} disabled={zoom <= MIN_ZOOM} title="Fit the whole clip" className="zoom-level">{zoom <= MIN_ZOOM ? 'Fit' : `${zoom < 10 ? zoom.toFixed(1).replace(/\.0$/, '') : Math.round(zoom)}×`}</button>
      <button onClick={() => zoomTimeline(1)} disabled={zoom >= MAX_ZOOM} aria-label="Zoom in" title="Zoom in (+, Ctrl+wheel)">+</button>
    </div>
  );
}
