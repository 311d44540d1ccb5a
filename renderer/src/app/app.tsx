/** The editor: library | preview | enhance, with captions and the queue below. */
import { useEffect, useState } from 'react';
import { engine } from '../api/engine';
import { CaptionsEditor } from '../features/captions/captions-editor';
import { EnhancePanel } from '../features/enhance/enhance-panel';
import { LibraryPanel } from '../features/library/library-panel';
import { OpenDialog } from '../features/library/open-dialog';
import { selectedClip } from '../features/library/library-slice';
import { PreviewPanel } from '../features/preview/preview-panel';
import { QueuePanel } from '../features/queue/queue-panel';
import { SettingsDialog } from '../features/settings/settings-dialog';
import { useApp } from '../stores/store';
import { handleShortcut } from './shortcuts';

export function App() {
  const info = useApp((s) => s.engineInfo);
  const engineError = useApp((s) => s.engineError);
  const settingsOpen = useApp((s) => s.settingsOpen);
  const clip = useApp(selectedClip);
  const running = useApp((s) => s.jobs.filter((j) => j.status === 'running' || j.status === 'queued').length);
  const [tab, setTab] = useState<'captions' | 'queue'>('captions');
  const [opening, setOpening] = useState(false);
  const { loadEngineInfo, applyJobEvent, exportSelected, setSettingsOpen, addClips } = useApp.getState();

  useEffect(() => {
    void loadEngineInfo();
    return engine().onJobEvent(applyJobEvent);
  }, []);

  const exportNow = () => {
    void exportSelected();
    setTab('queue');
  };

  // The desktop app's menus (File ▸ Open…, Open Recent, Export…) and the OS ask through app events.
  useEffect(
    () =>
      engine().onAppEvent?.((e) => {
        if (e.type === 'open-clips') void addClips(e.paths);
        // Like the Export button: only a clip the engine could read.
        else if (e.type === 'export-selected' && selectedClip(useApp.getState())?.info) exportNow();
      }),
    [],
  );

  useEffect(() => {
    const openClips = () => (useApp.getState().engineInfo?.shell === 'electron' ? void engine().pickClips().then(addClips) : setOpening(true));
    const onKey = (e: KeyboardEvent) => {
      if (handleShortcut(e, { openClips })) e.preventDefault();
    };
    // A file dropped outside the library must not make the browser navigate away from the app.
    const noNavigate = (e: DragEvent) => e.dataTransfer?.types.includes('Files') && e.preventDefault();
    window.addEventListener('keydown', onKey);
    window.addEventListener('dragover', noNavigate);
    window.addEventListener('drop', noNavigate);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('dragover', noNavigate);
      window.removeEventListener('drop', noNavigate);
    };
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden>◐</span> Clearcut
        </div>
        <span className="badge" title="Clearcut needs no network: clips, models and results stay on this computer.">● Offline · nothing is uploaded</span>
        <span className="spacer" />
        {engineError && <span className="error small">Engine not reachable: {engineError}</span>}
        {info && <span className="muted small">ffmpeg {info.ffmpegVersion} · {info.devices.join(', ')}</span>}
        <button className="ghost" onClick={() => setSettingsOpen(true)} title="Settings (Ctrl+,)">Settings</button>
        <button className="primary" data-action="export" disabled={!clip?.info} onClick={exportNow} title="Export the selected clip (Ctrl+E)">
          Export
        </button>
      </header>
      <aside className="left">
        <LibraryPanel />
      </aside>
      <main className="center">
        <PreviewPanel />
      </main>
      <aside className="right">
        <EnhancePanel />
      </aside>
      <section className="bottom">
        <div className="tabs" role="tablist">
          <button role="tab" aria-selected={tab === 'captions'} onClick={() => setTab('captions')}>Captions</button>
          <button role="tab" aria-selected={tab === 'queue'} onClick={() => setTab('queue')}>
            Queue {running > 0 && <span className="count">{running}</span>}
          </button>
        </div>
        <div className="tab-body">{tab === 'captions' ? <CaptionsEditor /> : <QueuePanel />}</div>
      </section>
      {settingsOpen && <SettingsDialog />}
      {opening && <OpenDialog onClose={() => setOpening(false)} />}
    </div>
  );
}
