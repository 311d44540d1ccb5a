/** Keyboard shortcuts; typing in a field never triggers them (except Escape and Ctrl combos). */
import { togglePreviewPlayback } from '../features/preview/compare-player';
import { useApp } from '../stores/store';

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export function handleShortcut(e: KeyboardEvent, actions: { openClips: () => void }): boolean {
  const s = useApp.getState();
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && key === 'o') return actions.openClips(), true;
  if (mod && key === 'e') return void s.exportSelected(), true;
  if (mod && key === ',') return s.setSettingsOpen(true), true;
  if (typing(e.target)) return false;
  if (mod && key === 'z' && !e.shiftKey) return s.undo(), true;
  if (mod && (key === 'y' || (key === 'z' && e.shiftKey))) return s.redo(), true;
  if (mod || e.altKey) return false;
  if (key === '+' || key === '=') return s.zoomTimeline(1), true;
  if (key === '-' || key === '_') return s.zoomTimeline(-1), true;
  if (key === ' ' || key === 'k') return togglePreviewPlayback(), true;
  if (key === 'j') return s.setPlayhead(s.playhead - 1), true;
  if (key === 'l') return s.setPlayhead(s.playhead + 1), true;
  if (key === 'p') return void s.renderPreview(), true;
  if (key === 'escape' && s.previewStatus === 'rendering') return void s.cancelPreview(), true;
  if (key === 'arrowdown' || key === 'arrowup') {
    const i = s.clips.findIndex((c) => c.path === s.selectedPath) + (key === 'arrowdown' ? 1 : -1);
    const next = s.clips[i];
    if (next) s.selectClip(next.path);
    return !!next;
  }
  return false;
}
