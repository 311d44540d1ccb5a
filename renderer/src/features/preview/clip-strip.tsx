/** The clip at a glance: filmstrip, waveform, caption blocks, playhead and preview region. Click to scrub. */
import type { ClipEntry } from '../library/library-slice';
import { useApp } from '../../stores/store';
import { PREVIEW_SECONDS } from './preview-slice';

export function ClipStrip({ clip }: { clip: ClipEntry }) {
  const playhead = useApp((s) => s.playhead);
  const setPlayhead = useApp((s) => s.setPlayhead);
  const cues = useApp((s) => s.cues);
  const selectCue = useApp((s) => s.selectCue);
  const duration = clip.info?.durationSeconds ?? 0;
  if (!duration) return null;
  const pct = (t: number) => `${(Math.min(duration, Math.max(0, t)) / duration) * 100}%`;
  const region = Math.max(0, Math.min(playhead, duration - PREVIEW_SECONDS));
  const peaks = clip.peaks;
  const wave = peaks.length ? peaks.map((p, i) => `${(i / (peaks.length - 1)) * 1000},${50 - p * 48} `).join('') + peaks.map((p, i) => `${((peaks.length - 1 - i) / (peaks.length - 1)) * 1000},${50 + peaks[peaks.length - 1 - i]! * 48} `).join('') : '';
  return (
    <div
      className="strip"
      role="slider"
      aria-label="Playhead"
      aria-valuemin={0}
      aria-valuemax={duration}
      aria-valuenow={playhead}
      tabIndex={0}
      onPointerDown={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        setPlayhead(((e.clientX - r.left) / r.width) * duration);
      }}
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
      {cues.length > 0 && (
        <div className="cue-track">
          {cues.map((c) => (
            <button key={c.id} className="cue-block" style={{ left: pct(c.start), width: `calc(${pct(c.end)} - ${pct(c.start)})` }} title={c.text} onPointerDown={(e) => e.stopPropagation()} onClick={() => selectCue(c.id)}>
              {c.text.split('\n')[0]}
            </button>
          ))}
        </div>
      )}
      <div className="region" style={{ left: pct(region), width: `calc(${pct(region + PREVIEW_SECONDS)} - ${pct(region)})` }} />
      <div className="playhead" style={{ left: pct(playhead) }} />
    </div>
  );
}
