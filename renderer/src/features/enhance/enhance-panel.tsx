/** Enhancement panel: a toggle and strength per stage; stages not in this engine, or for a stream the clip lacks, say so. */
import { useState } from 'react';
import { useApp } from '../../stores/store';
import { selectedClip } from '../library/library-slice';
import { missingStream } from './enhance-slice';
import { DeviceSelect } from '../settings/device-select';
import { BUILTIN_PRESETS, CAMERA_MODES, GRAIN_MODES, STAGES, type StabilizeCamera } from './presets';

/** One of a stage's named choices (the stabilizer's camera mode, the denoiser's grain). */
function StageChoiceSelect({ label, value, options, disabled, onChange }: { label: string; value: string; options: Array<{ id: string; label: string }>; disabled: boolean; onChange: (id: string) => void }) {
  return (
    <div className="slider-row">
      <select aria-label={label} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {options.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function EnhancePanel() {
  const stages = useApp((s) => s.stages);
  const preset = useApp((s) => s.preset);
  const saved = useApp((s) => s.savedPresets);
  const info = useApp((s) => s.engineInfo);
  const clipInfo = useApp((s) => selectedClip(s)?.info);
  const { toggleStage, setStrength, setCamera, setKeepGrain, applyPreset, savePreset, isAvailable } = useApp.getState();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  return (
    <section className="panel enhance" aria-label="Enhance">
      <header className="panel-head">
        <h2>Enhance</h2>
        <select aria-label="Preset" value={preset} onChange={(e) => applyPreset(e.target.value)}>
          {preset === 'Custom' && <option value="Custom">Custom</option>}
          {[...Object.keys(BUILTIN_PRESETS), ...Object.keys(saved)].map((p) => <option key={p}>{p}</option>)}
        </select>
      </header>
      <ul className="stages">
        {STAGES.map((st) => {
          const available = !!info && isAvailable(st.id);
          const lacking = missingStream(st.id, clipInfo);
          const usable = available && !lacking;
          const value = stages[st.id];
          return (
            <li key={st.id} className={`stage ${usable ? '' : 'unavailable'} ${value.on && !lacking ? 'on' : ''}`}>
              <label className="stage-toggle">
                <input type="checkbox" role="switch" data-stage={st.id} checked={value.on && usable} disabled={!usable} onChange={() => toggleStage(st.id)} />
                <span className="stage-label">{st.label}</span>
                {!available && <span className="tag soon">coming soon</span>}
                {available && lacking && <span className="tag" title={lacking}>{st.works === 'video' ? 'no video' : 'no audio'}</span>}
              </label>
              <div className="muted small">{st.hint}</div>
              {st.hasStrength && usable && (
                <div className="slider-row">
                  <input type="range" min={0} max={1} step={0.05} value={value.strength} aria-label={`${st.label} strength`} disabled={!value.on} onChange={(e) => setStrength(st.id, Number(e.target.value))} />
                  <span className="value">{Math.round(value.strength * 100)}%</span>
                </div>
              )}
              {st.id === 'stabilize' && usable && (
                <StageChoiceSelect label="Camera" value={value.camera ?? 'auto'} options={CAMERA_MODES} disabled={!value.on} onChange={(id) => setCamera(id === 'auto' ? undefined : (id as StabilizeCamera))} />
              )}
              {st.id === 'denoiseVideo' && usable && (
                <StageChoiceSelect label="Grain" value={value.keepGrain === false ? 'remove' : 'keep'} options={GRAIN_MODES} disabled={!value.on} onChange={(id) => setKeepGrain(id === 'keep')} />
              )}
            </li>
          );
        })}
      </ul>
      <div className="device-row">
        <label className="muted small" htmlFor="enhance-device">Runs on</label>
        <DeviceSelect id="enhance-device" />
      </div>
      {naming ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) savePreset(name.trim());
            setNaming(false);
          }}
        >
          <input autoFocus aria-label="Preset name" placeholder="Preset name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit">Save</button>
        </form>
      ) : (
        <button className="ghost small" onClick={() => setNaming(true)}>Save as preset…</button>
      )}
    </section>
  );
}
