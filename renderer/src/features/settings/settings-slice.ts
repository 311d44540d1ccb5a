/** Settings: where outputs go, how they are named and encoded. Kept in localStorage, with undo. */
import { engine } from '../../api/engine';
import { errorText, type Slice } from '../../stores/slice';

export interface ExportSettings {
  /** Empty: next to the input. */
  outputFolder: string;
  namingTemplate: string;
  container: 'mp4' | 'mkv' | 'webm' | 'mov';
  codec: 'h264' | 'h265' | 'vp9';
  /** Constant quality; lower is better. */
  crf: number;
  speed: 'ultrafast' | 'veryfast' | 'fast' | 'medium' | 'slow';
  device: string;
  overwrite: boolean;
}

export interface SettingsState {
  settings: ExportSettings;
  settingsPast: ExportSettings[];
  settingsOpen: boolean;
  settingsError?: string;
}

export interface SettingsSlice extends SettingsState {
  updateSettings(patch: Partial<ExportSettings>): void;
  undoSettings(): void;
  chooseOutputFolder(typed?: string): Promise<void>;
  setSettingsOpen(open: boolean): void;
}

const KEY = 'clearcut-settings';
export const DEFAULT_SETTINGS: ExportSettings = { outputFolder: '', namingTemplate: '{name}_clean', container: 'mp4', codec: 'h264', crf: 20, speed: 'veryfast', device: 'cpu', overwrite: false };

const load = (): ExportSettings => {
  try {
    return { ...DEFAULT_SETTINGS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ExportSettings>) };
  } catch {
    return DEFAULT_SETTINGS;
  }
};

export const initialSettings: SettingsState = { settings: DEFAULT_SETTINGS, settingsPast: [], settingsOpen: false, settingsError: undefined };

export const createSettingsSlice: Slice<SettingsSlice> = (set, get) => ({
  ...initialSettings,
  // The output folder must be chosen again each session: the engine only writes where the user said.
  settings: typeof localStorage === 'undefined' ? DEFAULT_SETTINGS : { ...load(), outputFolder: '' },
  updateSettings(patch) {
    const settings = { ...get().settings, ...patch };
    if (patch.codec === 'vp9') settings.container = 'webm';
    else if (patch.codec && settings.container === 'webm') settings.container = 'mp4';
    set((s) => ({ settings, settingsPast: [...s.settingsPast, s.settings].slice(-50) }));
    localStorage.setItem(KEY, JSON.stringify(settings));
  },
  undoSettings() {
    const past = get().settingsPast;
    if (!past.length) return;
    set({ settings: past[past.length - 1]!, settingsPast: past.slice(0, -1) });
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
