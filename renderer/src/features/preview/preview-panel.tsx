/** Preview: before/after of the region at the playhead, rendered with the chosen stages. */
import { useApp } from '../../stores/store';
import { formatDuration, formatProgress } from '../../app/format';
import { ProgressBar } from '../../app/progress-bar';
import { selectedClip } from '../library/library-slice';
import { ClipStrip, ZoomControls } from './clip-strip';
import { ComparePlayer } from './compare-player';
import { PREVIEW_SECONDS, type PreviewProgress } from './preview-slice';

/** The preview's phases (core/serve/preview.ts), in a creator's words. */
const PHASES: Record<string, string> = {
  'analyze-clip-motion': 'Measuring the camera motion of the whole clip (once per clip)',
  cut: 'Cutting the excerpt',
  render: 'Rendering before and after',
};

function PreviewProgressView({ progress, onCancel }: { progress: PreviewProgress; onCancel: () => void }) {
  return (
    <div className="preview-progress" role="status">
      <div className="preview-progress-text small">
        <span>{(progress.stage && PHASES[progress.stage]) || 'Starting the preview'}</span>
        <span className="muted">{formatProgress(progress.fraction, progress.eta)}</span>
      </div>
      <ProgressBar fraction={progress.fraction} label="Preview progress" />
      <button className="small" data-action="cancel-preview" onClick={onCancel} title="Stop rendering this preview (Esc)">
        Cancel
      </button>
    </div>
  );
}

export function PreviewPanel() {
  const clip = useApp(selectedClip);
  const status = useApp((s) => s.previewStatus);
  const result = useApp((s) => s.previewResult);
  const error = useApp((s) => s.previewError);
  const progress = useApp((s) => s.previewProgress);
  const mode = useApp((s) => s.compareMode);
  const listen = useApp((s) => s.listen);
  const playhead = useApp((s) => s.playhead);
  const { renderPreview, cancelPreview, setCompareMode, setListen } = useApp.getState();
  if (!clip) {
    return (
      <section className="panel preview empty-preview" aria-label="Preview">
        <div className="hero">
          <h1>Make your clips look and sound better</h1>
          <p className="muted">Open a clip, choose what to fix, compare before and after, then export. Everything runs on this computer.</p>
        </div>
      </section>
    );
  }
  const hasVideo = !!clip.info?.width;
  return (
    <section className="panel preview" aria-label="Preview">
      <header className="panel-head">
        <h2>{clip.name}</h2>
        <div className="row">
          {hasVideo && (
            <div className="segmented" role="group" aria-label="Compare">
              <button aria-pressed={mode === 'split'} onClick={() => setCompareMode('split')}>Split</button>
              <button aria-pressed={mode === 'side'} onClick={() => setCompareMode('side')}>Side by side</button>
            </div>
          )}
          <div className="segmented" role="group" aria-label="Listen to">
            <button aria-pressed={listen === 'before'} onClick={() => setListen('before')}>A · Before</button>
            <button aria-pressed={listen === 'after'} onClick={() => setListen('after')}>B · After</button>
            {result?.removedNoise && <button aria-pressed={listen === 'noise'} onClick={() => setListen('noise')}>Removed noise</button>}
          </div>
          <button className="primary" data-action="render-preview" disabled={!clip.info || status === 'rendering'} onClick={() => void renderPreview()} title="Render a preview of the region at the playhead (P)">
            {status === 'rendering' ? 'Rendering…' : `Preview ${PREVIEW_SECONDS} s`}
          </button>
        </div>
      </header>
      <div className="viewer">
        {result ? (
          <ComparePlayer key={result.after} result={result} hasVideo={hasVideo} />
        ) : (
          <div className="poster">
            {clip.thumbs[0] ? <img src={clip.thumbs[Math.min(clip.thumbs.length - 1, Math.floor((playhead / (clip.info?.durationSeconds || 1)) * clip.thumbs.length))]} alt="" /> : <div className="poster-audio">♪</div>}
            {status !== 'rendering' && <div className="poster-hint">Press P or “Preview” to compare before and after</div>}
          </div>
        )}
        {status === 'rendering' && progress && <PreviewProgressView progress={progress} onCancel={() => void cancelPreview()} />}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {result && result.notes.length + result.warnings.length > 0 && <p className="muted small">{[...result.notes, ...result.warnings].join(' ')}</p>}
      <div className="transport muted small">
        <span>Playhead {formatDuration(playhead)}</span>
        <span className="hint">J/L move 1 s · K or Space play · P preview · drag caption edges to retime</span>
        <ZoomControls />
      </div>
      <ClipStrip clip={clip} />
    </section>
  );
}
