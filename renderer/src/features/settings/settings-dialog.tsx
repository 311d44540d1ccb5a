/** Settings: output folder, naming template, encoder and quality, inference device. */
import { useState } from 'react';
import { useApp } from '../../stores/store';
import { DeviceSelect } from './device-select';
import { outputPathFor } from './output-naming';

export function SettingsDialog() {
  const settings = useApp((s) => s.settings);
  const error = useApp((s) => s.settingsError);
  const shell = useApp((s) => s.engineInfo?.shell);
  const canUndo = useApp((s) => s.settingsPast.length > 0);
  const canRedo = useApp((s) => s.settingsFuture.length > 0);
  const { updateSettings, chooseOutputFolder, setSettingsOpen, undoSettings, redoSettings } = useApp.getState();
  const [folder, setFolder] = useState(settings.outputFolder);
  const close = () => setSettingsOpen(false);
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="modal settings" role="dialog" aria-modal="true" aria-label="Settings">
        <h2>Settings</h2>
        <label>Output folder</label>
        <div className="row">
          {shell === 'electron' ? (
            <input readOnly value={settings.outputFolder || 'Next to each clip'} />
          ) : (
            <input aria-label="Output folder" placeholder="Next to each clip" value={folder} onChange={(e) => setFolder(e.target.value)} />
          )}
          <button onClick={() => void (shell === 'electron' ? chooseOutputFolder() : folder.trim() ? chooseOutputFolder(folder.trim()) : updateSettings({ outputFolder: '' }))}>{shell === 'electron' ? 'Choose…' : 'Use'}</button>
        </div>
        {error && <p className="error">{error}</p>}
        <label htmlFor="naming">Name template</label>
        <input id="naming" value={settings.namingTemplate} onChange={(e) => updateSettings({ namingTemplate: e.target.value })} />
        <p className="muted small">{'{name}'}, {'{date}'}, {'{preset}'} → {outputPathFor('/clips/holiday.mp4', { folder: settings.outputFolder, template: settings.namingTemplate, extension: settings.container })}</p>
        <div className="grid2">
          <div>
            <label htmlFor="codec">Video codec</label>
            <select id="codec" value={settings.codec} onChange={(e) => updateSettings({ codec: e.target.value as typeof settings.codec })}>
              <option value="auto">Automatic (H.264; 10-bit HEVC for HDR clips)</option>
              <option value="h264">H.264 (plays everywhere)</option>
              <option value="h265">H.265 / HEVC (smaller)</option>
              <option value="vp9">VP9 (WebM)</option>
            </select>
          </div>
          <div>
            <label htmlFor="container">Container</label>
            <select id="container" value={settings.container} onChange={(e) => updateSettings({ container: e.target.value as typeof settings.container })}>
              {(settings.codec === 'vp9' ? ['webm', 'mkv'] : ['mp4', 'mov', 'mkv']).map((c) => <option key={c}>{c}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="crf">Quality (CRF {settings.crf}; lower is better)</label>
            <input id="crf" type="range" min={14} max={36} value={settings.crf} onChange={(e) => updateSettings({ crf: Number(e.target.value) })} />
          </div>
          <div>
            <label htmlFor="speed">Encoder speed</label>
            <select id="speed" value={settings.speed} onChange={(e) => updateSettings({ speed: e.target.value as typeof settings.speed })}>
              {['ultrafast', 'veryfast', 'fast', 'medium', 'slow'].map((s) => <option key={s}>{s}</option>)}
            </select>
          </div>
          <div>
            <label className="check"><input type="checkbox" checked={settings.overwrite} onChange={(e) => updateSettings({ overwrite: e.target.checked })} /> Replace existing outputs</label>
            <div className="muted small">{settings.overwrite ? 'Exporting again replaces the earlier file.' : 'Exporting again keeps the earlier file and adds -2, -3 to the new name.'}</div>
          </div>
        </div>
        <label htmlFor="device">Inference device (runs the enhancement models)</label>
        <DeviceSelect id="device" notes />
        <div className="row end">
          <button onClick={undoSettings} disabled={!canUndo}>Undo</button>
          <button onClick={redoSettings} disabled={!canRedo}>Redo</button>
          <button className="primary" onClick={close}>Done</button>
        </div>
      </div>
    </div>
  );
}
