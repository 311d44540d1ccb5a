/** Captions editor: transcribe, fix text and timing, undo/redo, export SRT/WebVTT. */
import { useApp } from '../../stores/store';
import { selectedClip } from '../library/library-slice';
import { outputPathFor } from '../settings/output-naming';
import { CueRow } from './cue-row';

export function CaptionsEditor() {
  const clip = useApp(selectedClip);
  const cues = useApp((s) => s.cues);
  const status = useApp((s) => s.captionStatus);
  const error = useApp((s) => s.captionError);
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  const lastSaved = useApp((s) => s.lastSaved);
  const settings = useApp((s) => s.settings);
  const available = useApp((s) => s.engineInfo?.capabilities.find((c) => c.id === 'captions')?.available);
  const job = useApp((s) => s.jobs.find((j) => j.id === s.captionJobId));
  const { transcribe, undo, redo, saveCaptions } = useApp.getState();
  if (!clip) return <div className="empty">Open a clip to caption it.</div>;
  const save = (format: 'srt' | 'vtt') => void saveCaptions(outputPathFor(clip.path, { folder: settings.outputFolder, template: settings.namingTemplate, extension: format }), format);
  return (
    <div className="captions">
      <div className="toolbar">
        <button className="primary small" data-action="transcribe" disabled={!available || !clip.info?.audioTracks || status === 'transcribing'} onClick={() => void transcribe()}>
          {status === 'transcribing' ? `Transcribing… ${Math.round((job?.fraction ?? 0) * 100)}%` : cues.length ? 'Transcribe again' : 'Transcribe speech'}
        </button>
        <button className="small" onClick={undo} disabled={!canUndo} title="Undo (Ctrl+Z)">Undo</button>
        <button className="small" onClick={redo} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">Redo</button>
        <span className="spacer" />
        <button className="small" disabled={!cues.length} onClick={() => save('srt')}>Export SRT</button>
        <button className="small" disabled={!cues.length} onClick={() => save('vtt')}>Export WebVTT</button>
      </div>
      {clip.info && !clip.info.audioTracks && <p className="muted">This clip has no audio to caption.</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {lastSaved && <p className="ok small">Saved {lastSaved}</p>}
      {cues.length === 0 && status !== 'transcribing' && clip.info?.audioTracks ? <p className="muted">No captions yet. Transcribe the speech, then fix anything it got wrong; words it was unsure of are underlined.</p> : null}
      <ol className="cue-list">
        {cues.map((c, i) => <CueRow key={c.id} cue={c} next={cues[i + 1]} index={i} />)}
      </ol>
    </div>
  );
}
