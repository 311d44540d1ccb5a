/**
 * The captions drawn over the preview. Once the clip has captions in the editor, the preview shows
 * those (as the export will write them, edits included) instead of the preview's own transcription
 * of its few seconds. The text is drawn by the app, not by the video element, so the split wipe,
 * which clips the "after" picture, does not cut a caption in half.
 */
import { type RefObject, useEffect, useRef, useState } from 'react';
import type { PreviewResult } from '../../../../electron/common/api';
import { useApp } from '../../stores/store';

const NO_CUES: never[] = [];

/**
 * The caption text at the "after" player's current time ('' when none), and whether the preview's
 * own captions file is wanted (the editor has none for the clip).
 */
export function usePreviewCaptions(after: RefObject<HTMLVideoElement | null>, result: PreviewResult, hasVideo: boolean): { text: string; ownCaptions: boolean } {
  const cues = useApp((s) => s.cues);
  const captionsOn = useApp((s) => s.stages.captions.on);
  const edited = captionsOn && hasVideo ? cues : NO_CUES;
  const editedTrack = useRef<TextTrack | null>(null);
  const [text, setText] = useState('');

  useEffect(() => {
    const video = after.current;
    if (!video || !hasVideo || typeof VTTCue === 'undefined') return;
    if (edited.length || editedTrack.current) {
      const track = (editedTrack.current ??= video.addTextTrack('captions', 'Your captions', 'en'));
      track.mode = 'hidden'; // a disabled track's cues cannot be read or removed
      for (const c of Array.from(track.cues ?? [])) track.removeCue(c);
      for (const c of edited) {
        const start = c.start - result.start, end = c.end - result.start;
        if (end > 0 && start < result.duration) track.addCue(new VTTCue(Math.max(0, start), end, c.text));
      }
    }
    // One track is followed, hidden (its cues are read, not drawn); the others are off.
    let active: TextTrack | undefined;
    const show = () => setText(active ? Array.from(active.activeCues ?? []).map((c) => (c as VTTCue).text).join('\n') : '');
    const choose = () => {
      const want = edited.length ? editedTrack.current! : Array.from(video.textTracks).find((t) => t !== editedTrack.current && t.kind === 'captions');
      for (const t of Array.from(video.textTracks)) if (t !== want) t.mode = 'disabled';
      if (want !== active) {
        active?.removeEventListener('cuechange', show);
        active = want;
        active?.addEventListener('cuechange', show);
      }
      if (active) active.mode = 'hidden';
      show();
    };
    choose();
    video.textTracks.addEventListener('addtrack', choose);
    return () => {
      video.textTracks.removeEventListener('addtrack', choose);
      active?.removeEventListener('cuechange', show);
    };
  }, [after, edited, result, hasVideo]);

  return { text, ownCaptions: edited.length === 0 };
}
