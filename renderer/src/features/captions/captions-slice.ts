/** Captions editor state: cues with their words, and undo/redo over every edit. */
import type { CaptionCueData, CaptionWordData } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { errorText, type Slice } from '../../stores/slice';

export interface EditableCue {
  id: number;
  start: number;
  end: number;
  /** Lines joined with "\n". */
  text: string;
  words: CaptionWordData[];
}

export interface CaptionsState {
  cues: EditableCue[];
  past: EditableCue[][];
  future: EditableCue[][];
  lowConfidenceBelow: number;
  captionStatus: 'none' | 'transcribing' | 'ready' | 'error';
  captionJobId?: string;
  captionError?: string;
  selectedCue?: number;
  lastSaved?: string;
  /** The cues as they were when a timeline edge drag began; the drag becomes one undo step. */
  dragOrigin?: EditableCue[];
}

export interface CaptionsSlice extends CaptionsState {
  transcribe(): Promise<void>;
  loadTranscript(jobId: string): Promise<void>;
  setCues(cues: CaptionCueData[], lowConfidenceBelow?: number): void;
  editCue(id: number, patch: Partial<Pick<EditableCue, 'start' | 'end' | 'text'>>): void;
  splitCue(id: number): void;
  mergeWithNext(id: number): void;
  deleteCue(id: number): void;
  selectCue(id: number | undefined): void;
  /** Live retiming while an edge is dragged on the timeline: no undo step until endCueDrag. */
  dragCue(id: number, patch: Partial<Pick<EditableCue, 'start' | 'end'>>): void;
  /** Finish a drag: one undo step for the whole drag (none when nothing moved). */
  endCueDrag(): void;
  undo(): void;
  redo(): void;
  clearCaptions(): void;
  saveCaptions(output: string, format: 'srt' | 'vtt'): Promise<void>;
}

export const initialCaptions: CaptionsState = { cues: [], past: [], future: [], lowConfidenceBelow: 0.5, captionStatus: 'none', captionJobId: undefined, captionError: undefined, selectedCue: undefined, lastSaved: undefined, dragOrigin: undefined };

let nextId = 1;
const HISTORY = 200;

/** The cues as the engine takes them. */
export const toCueData = (cues: EditableCue[]): CaptionCueData[] => cues.map((c) => ({ start: c.start, end: c.end, lines: c.text.split('\n').map((l) => l.trim()).filter(Boolean), words: c.words }));

export const createCaptionsSlice: Slice<CaptionsSlice> = (set, get) => {
  /** Every edit goes through here, so undo sees it. */
  const commit = (cues: EditableCue[]) => set((s) => ({ cues, past: [...s.past, s.cues].slice(-HISTORY), future: [] }));
  return {
    ...initialCaptions,
    async transcribe() {
      const path = get().selectedPath;
      if (!path) return;
      set({ captionStatus: 'transcribing', captionError: undefined });
      try {
        const { jobId } = await engine().startTranscribe(path);
        set({ captionJobId: jobId });
      } catch (e) {
        set({ captionStatus: 'error', captionError: errorText(e) });
      }
    },
    async loadTranscript(jobId) {
      try {
        const t = await engine().readTranscript(jobId);
        get().setCues(t.cues, t.lowConfidenceBelow);
      } catch (e) {
        set({ captionStatus: 'error', captionError: errorText(e) });
      }
    },
    setCues(cues, lowConfidenceBelow = get().lowConfidenceBelow) {
      set({ cues: cues.map((c) => ({ id: nextId++, start: c.start, end: c.end, text: c.lines.join('\n'), words: c.words ?? [] })), past: [], future: [], lowConfidenceBelow, captionStatus: 'ready' });
    },
    editCue(id, patch) {
      const cues = get().cues.map((c) => (c.id === id ? { ...c, ...patch, words: patch.text !== undefined && patch.text !== c.text ? c.words.filter((w) => patch.text!.includes(w.text)) : c.words } : c));
      commit(cues.sort((a, b) => a.start - b.start));
    },
    splitCue(id) {
      const cues = get().cues;
      const i = cues.findIndex((c) => c.id === id);
      const c = cues[i];
      if (!c) return;
      const words = c.text.replace(/\n/g, ' ').split(/\s+/).filter(Boolean);
      if (words.length < 2) return;
      const half = Math.ceil(words.length / 2);
      const mid = c.words[half]?.start ?? c.start + (c.end - c.start) / 2;
      const a: EditableCue = { ...c, end: mid, text: words.slice(0, half).join(' '), words: c.words.filter((w) => w.end <= mid + 1e-3) };
      const b: EditableCue = { id: nextId++, start: mid, end: c.end, text: words.slice(half).join(' '), words: c.words.filter((w) => w.start >= mid - 1e-3) };
      commit([...cues.slice(0, i), a, b, ...cues.slice(i + 1)]);
    },
    mergeWithNext(id) {
      const cues = get().cues;
      const i = cues.findIndex((c) => c.id === id);
      const a = cues[i];
      const b = cues[i + 1];
      if (!a || !b) return;
      commit([...cues.slice(0, i), { ...a, end: b.end, text: `${a.text.replace(/\n/g, ' ')} ${b.text.replace(/\n/g, ' ')}`, words: [...a.words, ...b.words] }, ...cues.slice(i + 2)]);
    },
    deleteCue(id) {
      commit(get().cues.filter((c) => c.id !== id));
    },
    selectCue: (selectedCue) => set({ selectedCue }),
    dragCue(id, patch) {
      set((s) => ({ dragOrigin: s.dragOrigin ?? s.cues, cues: s.cues.map((c) => (c.id === id ? { ...c, ...patch } : c)) }));
    },
    endCueDrag() {
      const { dragOrigin, cues } = get();
      if (!dragOrigin) return;
      if (dragOrigin === cues) return set({ dragOrigin: undefined });
      set((s) => ({ dragOrigin: undefined, past: [...s.past, dragOrigin].slice(-HISTORY), future: [] }));
    },
    undo() {
      const { past, cues, future } = get();
      if (!past.length) return;
      set({ cues: past[past.length - 1]!, past: past.slice(0, -1), future: [cues, ...future] });
    },
    redo() {
      const { past, cues, future } = get();
      if (!future.length) return;
      set({ cues: future[0]!, past: [...past, cues], future: future.slice(1) });
    },
    clearCaptions: () => set({ ...initialCaptions }),
    async saveCaptions(output, format) {
      try {
        const file = await engine().saveCaptions(output, toCueData(get().cues), format);
        set({ lastSaved: file, captionError: undefined });
      } catch (e) {
        set({ captionError: errorText(e) });
      }
    },
  };
};
