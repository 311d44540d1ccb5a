/** Library: the clips the user opened, with what the engine says about each. */
import type { ClipInfo } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { errorText, type Slice } from '../../stores/slice';

export interface ClipEntry {
  path: string;
  name: string;
  info?: ClipInfo;
  thumbs: string[];
  peaks: number[];
  error?: string;
}

export interface LibraryState {
  clips: ClipEntry[];
  selectedPath?: string;
  openError?: string;
}

export interface LibrarySlice extends LibraryState {
  addClips(paths: string[]): Promise<void>;
  selectClip(path: string): void;
  removeClip(path: string): void;
}

export const initialLibrary: LibraryState = { clips: [], selectedPath: undefined, openError: undefined };

export const baseName = (p: string): string => p.split(/[/\\]/).pop() ?? p;

export const createLibrarySlice: Slice<LibrarySlice> = (set, get) => {
  const patch = (path: string, p: Partial<ClipEntry>) => set((s) => ({ clips: s.clips.map((c) => (c.path === path ? { ...c, ...p } : c)) }));
  return {
    ...initialLibrary,
    async addClips(paths) {
      const fresh = paths.filter((p) => !get().clips.some((c) => c.path === p));
      set((s) => ({ clips: [...s.clips, ...fresh.map((path) => ({ path, name: baseName(path), thumbs: [], peaks: [] }))], selectedPath: paths[0] ?? s.selectedPath, openError: undefined }));
      if (paths[0]) get().selectClip(paths[0]);
      for (const path of fresh) {
        try {
          const info = await engine().probe(path);
          patch(path, { info });
          const [thumbs, peaks] = await Promise.all([info.width ? engine().thumbnails(path, 8) : Promise.resolve([]), info.audioTracks ? engine().waveform(path, 600) : Promise.resolve([])]);
          patch(path, { thumbs, peaks });
        } catch (e) {
          patch(path, { error: errorText(e) });
        }
      }
    },
    selectClip(path) {
      if (get().selectedPath === path) return;
      set({ selectedPath: path });
      get().resetPreview();
      get().clearCaptions();
    },
    removeClip(path) {
      set((s) => ({ clips: s.clips.filter((c) => c.path !== path), selectedPath: s.selectedPath === path ? s.clips.find((c) => c.path !== path)?.path : s.selectedPath }));
    },
  };
};

export const selectedClip = (s: LibraryState): ClipEntry | undefined => s.clips.find((c) => c.path === s.selectedPath);
