/** Preview: a short before/after render of the region around the playhead. */
import type { JobEvent, PreviewResult } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { errorText, type Slice } from '../../stores/slice';
import { stageRequest, stagesForClip } from '../enhance/enhance-slice';
import { selectedClip } from '../library/library-slice';
import { clampZoom, ZOOM_STEP } from './timeline';

export const PREVIEW_SECONDS = 3;

/** Where a preview being rendered is: its phase (the engine's stage id), fraction 0..1 and seconds left. */
export interface PreviewProgress {
  stage?: string;
  fraction: number;
  eta: number | null;
}

let previewCount = 0;

export interface PreviewState {
  previewStatus: 'idle' | 'rendering' | 'ready' | 'error';
  previewResult?: PreviewResult;
  previewError?: string;
  /** The engine's name for the preview being rendered: its job events carry it, cancelPreview uses it. */
  previewId?: string;
  previewProgress?: PreviewProgress;
  /** Playhead in the source clip, seconds. */
  playhead: number;
  compareMode: 'split' | 'side';
  /** Split wipe position, 0..1 from the left. */
  wipe: number;
  listen: 'before' | 'after' | 'noise';
  /** Timeline zoom: 1 fits the whole clip, 2 shows half of it, … */
  timelineZoom: number;
}

export interface PreviewSlice extends PreviewState {
  renderPreview(): Promise<void>;
  /** Stop the preview being rendered; the last finished one stays on screen. */
  cancelPreview(): Promise<void>;
  /** A job event about the preview being rendered (its progress); false if it is about something else. */
  applyPreviewEvent(e: JobEvent): boolean;
  resetPreview(): void;
  setPlayhead(seconds: number): void;
  setCompareMode(mode: PreviewState['compareMode']): void;
  setWipe(wipe: number): void;
  setListen(listen: PreviewState['listen']): void;
  setTimelineZoom(zoom: number): void;
  zoomTimeline(direction: 1 | -1): void;
}

export const initialPreview: PreviewState = { previewStatus: 'idle', previewResult: undefined, previewError: undefined, previewId: undefined, previewProgress: undefined, playhead: 0, compareMode: 'split', wipe: 0.5, listen: 'after', timelineZoom: 1 };

export const createPreviewSlice: Slice<PreviewSlice> = (set, get) => ({
  ...initialPreview,
  async renderPreview() {
    const clip = selectedClip(get());
    if (!clip?.info) return;
    const s = get();
    const start = Math.max(0, Math.min(s.playhead, clip.info.durationSeconds - PREVIEW_SECONDS));
    const previewId = `preview-${Date.now().toString(36)}-${++previewCount}`;
    set({ previewStatus: 'rendering', previewError: undefined, previewId, previewProgress: { fraction: 0, eta: null } });
    const mine = () => get().previewId === previewId;
    try {
      const stages = stagesForClip(s.stages, clip.info);
      const result = await engine().renderPreview({ input: clip.path, start, duration: PREVIEW_SECONDS, ...stageRequest(stages), captions: stages.captions.on || undefined, previewId });
      if (!mine() || selectedClip(get())?.path !== clip.path) return;
      set({ previewStatus: 'ready', previewResult: result, previewId: undefined, previewProgress: undefined });
    } catch (e) {
      // A newer preview, or Cancel, stopped this one: leave the state they set alone.
      if (!mine() || /cancel/i.test(errorText(e))) return;
      set({ previewStatus: 'error', previewError: errorText(e), previewId: undefined, previewProgress: undefined });
    }
  },
  async cancelPreview() {
    const { previewId, previewResult } = get();
    if (!previewId) return;
    set({ previewStatus: previewResult ? 'ready' : 'idle', previewId: undefined, previewProgress: undefined });
    try {
      await engine().cancelJob(previewId);
    } catch (e) {
      set({ previewError: errorText(e) });
    }
  },
  applyPreviewEvent(e) {
    if (!e.jobId.startsWith('preview-')) return false;
    if (e.type === 'progress' && e.jobId === get().previewId) set({ previewProgress: { stage: e.stage, fraction: e.fraction, eta: e.eta } });
    return true;
  },
  resetPreview: () => set({ previewStatus: 'idle', previewResult: undefined, previewError: undefined, previewId: undefined, previewProgress: undefined, playhead: 0, timelineZoom: 1 }),
  setPlayhead: (seconds) => set({ playhead: Math.max(0, seconds) }),
  setCompareMode: (compareMode) => set({ compareMode }),
  setWipe: (wipe) => set({ wipe: Math.min(1, Math.max(0, wipe)) }),
  setListen: (listen) => set({ listen }),
  setTimelineZoom: (zoom) => set({ timelineZoom: clampZoom(zoom) }),
  zoomTimeline: (direction) => set((s) => ({ timelineZoom: clampZoom(s.timelineZoom * (direction > 0 ? ZOOM_STEP : 1 / ZOOM_STEP)) })),
});
