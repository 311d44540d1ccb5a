/**
 * One zustand store made of feature slices (zustand's slices pattern). Each slice exports its
 * initial state so tests can reset the store; engine calls go through api/engine.ts.
 */
import { create } from 'zustand';
import { createCaptionsSlice, type CaptionsSlice } from '../features/captions/captions-slice';
import { createEnhanceSlice, type EnhanceSlice } from '../features/enhance/enhance-slice';
import { createLibrarySlice, type LibrarySlice } from '../features/library/library-slice';
import { createPreviewSlice, type PreviewSlice } from '../features/preview/preview-slice';
import { createQueueSlice, type QueueSlice } from '../features/queue/queue-slice';
import { createSettingsSlice, type SettingsSlice } from '../features/settings/settings-slice';
import { initialCaptions } from '../features/captions/captions-slice';
import { initialEnhance } from '../features/enhance/enhance-slice';
import { initialLibrary } from '../features/library/library-slice';
import { initialPreview } from '../features/preview/preview-slice';
import { initialQueue } from '../features/queue/queue-slice';
import { initialSettings } from '../features/settings/settings-slice';

export type AppState = LibrarySlice & EnhanceSlice & PreviewSlice & CaptionsSlice & QueueSlice & SettingsSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createLibrarySlice(...a),
  ...createEnhanceSlice(...a),
  ...createPreviewSlice(...a),
  ...createCaptionsSlice(...a),
  ...createQueueSlice(...a),
  ...createSettingsSlice(...a),
}));

/** Put every slice back to its initial state (tests). */
export function resetApp(): void {
  const s = useApp.getState();
  useApp.setState({ ...s, ...initialStates() });
}


function initialStates() {
  return { ...initialLibrary, ...initialEnhance, ...initialPreview, ...initialCaptions, ...initialQueue, ...initialSettings };
}
