/** Library: opened clips with a thumbnail, duration, resolution and warnings. */
import { useState } from 'react';
import { engine } from '../../api/engine';
import { errorText } from '../../stores/slice';
import { useApp } from '../../stores/store';
import { formatDuration, formatFrameSize } from '../../app/format';
import { OpenDialog } from './open-dialog';

export function LibraryPanel() {
  const clips = useApp((s) => s.clips);
  const selected = useApp((s) => s.selectedPath);
  const selectClip = useApp((s) => s.selectClip);
  const addClips = useApp((s) => s.addClips);
  const shell = useApp((s) => s.engineInfo?.shell);
  const [dialog, setDialog] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const [dropNote, setDropNote] = useState<string | undefined>();
  const openClips = async () => {
    if (shell === 'electron') await addClips(await engine().pickClips());
    else setDialog(true);
  };
  /** Opens dropped files where the shell can (the desktop app); returns what to tell the user, if anything. */
  const openDropped = async (files: File[]): Promise<string | undefined> => {
    const api = engine();
    if (!api.openDroppedFiles) return dropMessage(files.map((f) => f.name));
    try {
      const opened = await api.openDroppedFiles(files);
      if (!opened.length) return 'Nothing dropped there is a clip Clearcut can open.';
      await addClips(opened);
      return undefined;
    } catch (err) {
      return errorText(err);
    }
  };
  return (
    <section
      className={`panel library ${dragOver ? 'drag-over' : ''}`}
      aria-label="Library"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragOver(true);
      }}
      onDragLeave={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && setDragOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length) void openDropped(files).then(setDropNote);
      }}
    >
      <header className="panel-head">
        <h2>Library</h2>
        <button className="primary small" onClick={() => void openClips()} title="Open clips (Ctrl+O)" data-action="open-clips">+ Open</button>
      </header>
      {dropNote && (
        <div className="drop-note" role="alert">
          <p>{dropNote}</p>
          <div className="row">
            <button className="primary small" onClick={() => (setDropNote(undefined), void openClips())}>Open…</button>
            <button className="ghost small" onClick={() => setDropNote(undefined)}>Dismiss</button>
          </div>
        </div>
      )}
      {dragOver && <div className="drop-target" aria-hidden>Drop to add</div>}
      {clips.length === 0 && (
        <div className="empty">
          <p>Open a video or audio clip to start.</p>
          <p className="muted">Ctrl+O</p>
        </div>
      )}
      <ul className="clip-list">
        {clips.map((c) => (
          <li key={c.path}>
            <button className={`clip ${c.path === selected ? 'selected' : ''}`} onClick={() => selectClip(c.path)} aria-current={c.path === selected}>
              <div className="thumb">{c.thumbs[0] ? <img src={c.thumbs[0]} alt="" /> : <span className="thumb-placeholder">{c.info && !c.info.width ? '♪' : ''}</span>}</div>
              <div className="clip-meta">
                <div className="clip-name" title={c.path}>{c.name}</div>
                {c.info && (
                  <div className="muted small">
                    {formatDuration(c.info.durationSeconds)}
                    {c.info.width ? ` · ${formatFrameSize(c.info)}` : ''}
                    {c.info.frameRate ? ` · ${c.info.frameRate.toFixed(c.info.frameRate % 1 ? 2 : 0)} fps` : ''}
                  </div>
                )}
                {!c.info && !c.error && <div className="muted small">Reading…</div>}
                {c.error && <div className="error small">{c.error}</div>}
                <div className="tags">{c.info?.warnings.map((w) => <span key={w} className="tag warn">{w}</span>)}</div>
              </div>
            </button>
          </li>
        ))}
      </ul>
      {dialog && <OpenDialog onClose={() => setDialog(false)} />}
    </section>
  );
}

/**
 * What to say about dropped files in a browser (the desktop app opens them). A browser hands the page a file's contents but never its path,
 * and the engine reads clips by path (nothing is uploaded), so dropped files cannot be opened here.
 */
export function dropMessage(names: string[]): string {
  const what = names.length === 1 ? `“${names[0]}”` : `${names.length} files`;
  return `Can't open ${what} by dropping: the browser doesn't tell Clearcut where files are on disk. Use Open (Ctrl+O) and type or browse to the file instead.`;
}
