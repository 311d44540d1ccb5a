/** Settings: where outputs go, how they are named and encoded, and where models run. Kept in localStorage, with undo and redo. */
import type { EngineInfo, InferenceDevice } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { errorText, type Slice } from '../../stores/slice';

export interface ExportSettings {
  /** Empty: next to the input. */
  outputFolder: string;
  namingTemplate: string;
  container: 'mp4' | 'mkv' | 'webm' | 'mov';
  /** 'auto': the engine's choice (H.264, or 10-bit HEVC for a 10-bit or HDR clip). */
  codec: 'auto' | 'h264' | 'h265' | 'vp9';
  /** Constant quality; lower is better. */
  crf: number;
  speed: 'ultrafast' | 'veryfast' | 'fast' | 'medium' | 'slow';
  /** Where the enhancement models run (the engine falls back to the CPU when it cannot use it). */
  device: InferenceDevice;
  overwrite: boolean;
}

export interface SettingsState {
  settings: ExportSettings;
  settingsPast: ExportSettings[];
  settingsFuture: ExportSettings[];
  settingsOpen: boolean;
  settingsError?: string;
}

export interface SettingsSlice extends SettingsState {
  updateSettings(patch: Partial<ExportSettings>): void;
  undoSettings(): void;
  redoSettings(): void;
  chooseOutputFolder(typed?: string): Promise<void>;
  setSettingsOpen(open: boolean): void;
}

const KEY = 'clearcut-settings';
export const DEFAULT_SETTINGS: ExportSettings = { outputFolder: '', namingTemplate: '{name}_clean', container: 'mp4', codec: 'auto', crf: 20, speed: 'veryfast', device: 'cpu', overwrite: false };

const load = (): ExportSettings => {
  try {
    return { ...DEFAULT_SETTINGS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ExportSettings>) };
  } catch {
    return DEFAULT_SETTINGS;
  }
};

const save = (settings: ExportSettings): void => localStorage.setItem(KEY, JSON.stringify(settings));

export const initialSettings: SettingsState = { settings: DEFAULT_SETTINGS, settingsPast: [], settingsFuture: [], settingsOpen: false, settingsError: undefined };

export const createSettingsSlice: Slice<SettingsSlice> = (set, get) => ({
  ...initialSettings,
  // The output folder must be chosen again each session: the engine only writes where the user said.
  settings: typeof localStorage === 'undefined' ? DEFAULT_SETTINGS : { ...load(), outputFolder: '' },
  updateSettings(patch) {
    const settings = { ...get().settings, ...patch };
    if (patch.codec === 'vp9') settings.container = 'webm';
    else if (patch.codec && settings.container === 'webm') settings.container = 'mp4';
    set((s) => ({ settings, settingsPast: [...s.settingsPast, s.settings].slice(-50), settingsFuture: [] }));
    save(settings);
  },
  undoSettings() {
    const { settingsPast: past, settings } = get();
    if (!past.length) return;
    const previous = past[past.length - 1]!;
    set((s) => ({ settings: previous, settingsPast: past.slice(0, -1), settingsFuture: [settings, ...s.settingsFuture] }));
    save(previous);
  },
  redoSettings() {
    const { settingsFuture: future, settings } = get();
    if (!future.length) return;
    const next = future[0]!;
    set((s) => ({ settings: next, settingsPast: [...s.settingsPast, settings], settingsFuture: future.slice(1) }));
    save(next);
  },
  async chooseOutputFolder(typed) {
    try {
      const folder = await engine().pickOutputFolder(typed);
      if (folder) get().updateSettings({ outputFolder: folder });
      set({ settingsError: undefined });
    } catch (e) {
      set({ settingsError: errorText(e) });
    }
  },
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
});

/** The device an export asks for: the chosen one when this engine has it, else the CPU (a choice made on another machine). */
export function exportDevice(device: InferenceDevice, info: EngineInfo | undefined): InferenceDevice {
  return info?.deviceChoices.some((d) => d.id === device && d.available) ? device : 'cpu';
}
