/** The inference device choice: the devices the engine knows, those it cannot use disabled with the reason. */
import type { DeviceChoice, InferenceDevice } from '../../../../electron/common/api';
import { useApp } from '../../stores/store';

const CPU_ONLY: DeviceChoice[] = [{ id: 'cpu', label: 'CPU', available: true }];

export function DeviceSelect({ id, notes = false }: { id?: string; /** List why each unavailable device cannot be used. */ notes?: boolean }) {
  const device = useApp((s) => s.settings.device);
  const choices = useApp((s) => s.engineInfo?.deviceChoices) ?? CPU_ONLY;
  const updateSettings = useApp((s) => s.updateSettings);
  const chosen = choices.find((d) => d.id === device);
  const unavailable = choices.filter((d) => !d.available);
  return (
    <>
      <select id={id} aria-label={id ? undefined : 'Inference device'} data-setting="device" value={device} onChange={(e) => updateSettings({ device: e.target.value as InferenceDevice })}>
        {choices.map((d) => (
          <option key={d.id} value={d.id} disabled={!d.available} title={d.reason}>
            {d.available ? d.label : `${d.label} (unavailable)`}
          </option>
        ))}
      </select>
      {chosen && !chosen.available && <p className="warn-text small">{chosen.label} cannot be used here, so exports run on the CPU. {chosen.reason}</p>}
      {notes && unavailable.length > 0 && (
        <ul className="device-notes muted small">
          {unavailable.map((d) => (
            <li key={d.id}>
              {d.label}: {d.reason}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
