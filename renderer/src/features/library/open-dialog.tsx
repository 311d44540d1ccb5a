/** The web bridge's open dialog: browse the engine machine's folders or type a path. */
import { useEffect, useState } from 'react';
import type { FolderListing } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { errorText } from '../../stores/slice';
import { useApp } from '../../stores/store';

export function OpenDialog({ onClose }: { onClose: () => void }) {
  const addClips = useApp((s) => s.addClips);
  const home = useApp((s) => s.engineInfo?.homeFolder ?? '/');
  const [typed, setTyped] = useState('');
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const browse = (folder: string) => engine().listFolder?.(folder).then(setListing, (e) => setError(errorText(e)));
  useEffect(() => void browse(home), [home]);
  const open = async (paths: string[]) => {
    try {
      const opened = await engine().openPaths!(paths);
      onClose();
      await addClips(opened);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Open clips">
        <h2>Open clips</h2>
        <p className="muted">Paths are on the machine running Clearcut. Only files you open here can be read.</p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) void open(typed.split('\n').map((p) => p.trim()).filter(Boolean));
          }}
        >
          <input autoFocus aria-label="File path" placeholder="/path/to/clip.mp4" value={typed} onChange={(e) => setTyped(e.target.value)} />
          <button className="primary" type="submit" disabled={!typed.trim()}>Open</button>
        </form>
        {error && <p className="error" role="alert">{error}</p>}
        {listing && (
          <div className="browser">
            <div className="browser-path">
              {listing.parent && <button className="ghost" onClick={() => browse(listing.parent!)} aria-label="Up one folder">↑</button>}
              <code>{listing.folder}</code>
            </div>
            <ul>
              {listing.entries.map((e) => (
                <li key={e.path}>
                  <button className={`entry ${e.kind}`} onClick={() => (e.kind === 'folder' ? browse(e.path) : void open([e.path]))} onDoubleClick={() => e.kind === 'media' && void open([e.path])}>
                    <span aria-hidden>{e.kind === 'folder' ? '📁' : '🎞'}</span> {e.name}
                  </button>
                </li>
              ))}
              {listing.entries.length === 0 && <li className="muted">No folders or media files here.</li>}
            </ul>
          </div>
        )}
        <div className="row end">
          <button onClick={onClose}>Cancel</button>
        </div>
      </div>
    </div>
  );
}
