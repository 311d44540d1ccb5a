/** Before/after players kept in step: a split wipe over one frame, or side by side. */
import { useEffect, useRef } from 'react';
import type { PreviewResult } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { useApp } from '../../stores/store';
import { usePictureBox, type PictureBox } from './picture-box';
import { usePreviewCaptions } from './preview-captions';

/** Without a picture one player plays whichever is chosen (A, B or N); its label says which. */
const HEARING: Record<'before' | 'after' | 'noise', string> = { before: 'Playing: before', after: 'Playing: after', noise: 'Playing: the removed noise' };

export function ComparePlayer({ result, hasVideo }: { result: PreviewResult; hasVideo: boolean }) {
  const mode = useApp((s) => s.compareMode);
  const wipe = useApp((s) => s.wipe);
  const listen = useApp((s) => s.listen);
  const setWipe = useApp((s) => s.setWipe);
  const before = useRef<HTMLVideoElement>(null);
  const after = useRef<HTMLVideoElement>(null);
  const noise = useRef<HTMLAudioElement>(null);
  const url = (p: string) => engine().mediaUrl(p);
  const { text: caption, ownCaptions } = usePreviewCaptions(after, result, hasVideo);
  const picture = usePictureBox(after);

  // The "after" player leads; the others follow its clock.
  useEffect(() => {
    const lead = after.current;
    if (!lead) return;
    const followers = () => [before.current, noise.current].filter((x): x is HTMLVideoElement | HTMLAudioElement => !!x);
    // Stopped, every player shows the lead's frame exactly: a before/after compared a few frames
    // apart would show motion or grain that is not the enhancement's.
    const align = () => followers().forEach((f) => f.currentTime !== lead.currentTime && (f.currentTime = lead.currentTime));
    const sync = () => {
      if (lead.paused) return align();
      for (const f of followers()) {
        followWhilePlaying(f, lead);
        if (f.paused) void f.play().catch(() => {}); // it reached its end before the lead looped
      }
    };
    const play = () => followers().forEach((f) => void f.play().catch(() => {}));
    const pause = () => {
      followers().forEach((f) => {
        f.pause();
        f.playbackRate = 1;
      });
      align();
    };
    // The timeline's playhead follows playback (every frame while playing).
    let frame = 0;
    const follow = () => useApp.getState().setPlayhead(result.start + lead.currentTime);
    const tick = () => {
      follow();
      if (!lead.paused) sync();
      frame = requestAnimationFrame(tick);
    };
    const startFollowing = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const stopFollowing = () => cancelAnimationFrame(frame);
    // Scrubbing the timeline inside the previewed region seeks the preview; outside it, pauses it.
    const unsubscribe = useApp.subscribe((s, prev) => {
      if (s.playhead === prev.playhead) return;
      const t = s.playhead - result.start;
      if (t < -1e-3 || t > result.duration + 1e-3) return void (lead.paused || lead.pause());
      if (Math.abs(lead.currentTime - t) > 0.15) lead.currentTime = Math.min(t, Math.max(0, (lead.duration || result.duration) - 0.01));
    });
    lead.addEventListener('play', startFollowing);
    lead.addEventListener('pause', stopFollowing);
    lead.addEventListener('timeupdate', sync);
    lead.addEventListener('seeked', sync);
    lead.addEventListener('play', play);
    lead.addEventListener('pause', pause);
    return () => {
      cancelAnimationFrame(frame);
      unsubscribe();
      lead.removeEventListener('play', startFollowing);
      lead.removeEventListener('pause', stopFollowing);
      lead.removeEventListener('timeupdate', sync);
      lead.removeEventListener('seeked', sync);
      lead.removeEventListener('play', play);
      lead.removeEventListener('pause', pause);
    };
  }, [result]);

  const Media = hasVideo ? 'video' : 'audio';
  return (
    <div className={`compare ${mode} ${hasVideo ? '' : 'audio-only'}`} data-testid="compare">
      <div className="compare-stage">
        <figure className="pane before">
          <Media ref={before as never} src={url(result.before)} muted={listen !== 'before'} playsInline preload="auto" loop />
          {hasVideo && <figcaption>Before</figcaption>}
        </figure>
        <figure className="pane after" style={mode === 'split' && hasVideo ? { clipPath: `inset(0 0 0 ${wipe * 100}%)` } : undefined}>
          <Media ref={after as never} src={url(result.after)} muted={listen !== 'after'} playsInline preload="auto" loop controls={!hasVideo || mode === 'side'}>
            {result.captionsVtt && ownCaptions && <track kind="captions" src={url(result.captionsVtt)} srcLang="en" label="Captions" />}
          </Media>
          <figcaption>{hasVideo ? 'After' : HEARING[listen]}</figcaption>
          {mode === 'side' && caption && <PreviewCaption text={caption} picture={picture} clearControls />}
        </figure>
        {mode === 'split' && hasVideo && (
          <>
            <div className="wipe-line" style={{ left: `${wipe * 100}%` }} />
            <input className="wipe" type="range" min={0} max={1} step={0.005} value={wipe} aria-label="Before/after split" onChange={(e) => setWipe(Number(e.target.value))} />
          </>
        )}
        {mode === 'split' && caption && <PreviewCaption text={caption} picture={picture} />}
        {result.removedNoise && <audio ref={noise} src={url(result.removedNoise)} muted={listen !== 'noise'} preload="auto" loop />}
      </div>
    </div>
  );
}

/** Player controls take about this much of the element's bottom; a caption stays above them. */
const CONTROLS_PX = 56;

/**
 * A caption over the picture, near its bottom, as a player would draw it: inside the letterboxed
 * picture (never on the bars below it) and above the controls.
 */
function PreviewCaption({ text, picture, clearControls = false }: { text: string; picture?: PictureBox; clearControls?: boolean }) {
  const style = picture && { left: picture.left, width: picture.width, right: 'auto', bottom: Math.max(picture.top + picture.height * 0.06, clearControls ? CONTROLS_PX : 8) };
  // About 5 % of the picture's height, as players size subtitles, within what stays readable.
  const font = picture && { fontSize: Math.round(Math.max(11, Math.min(20, picture.height * 0.05))) };
  return (
    <div className="preview-caption" data-testid="preview-caption" style={style}>
      <span style={font}>{text}</span>
    </div>
  );
}

/**
 * Keep a playing follower on the lead's clock. Seeking a playing video stalls it for a moment, so
 * small drift is taken up by playing the follower a little faster or slower, and only a large one
 * (a stall, a seek) is corrected by seeking.
 */
export function followWhilePlaying(f: Pick<HTMLMediaElement, 'currentTime' | 'playbackRate'>, lead: Pick<HTMLMediaElement, 'currentTime'>): void {
  const ahead = f.currentTime - lead.currentTime;
  if (Math.abs(ahead) > 0.25) {
    f.currentTime = lead.currentTime;
    f.playbackRate = 1;
  } else if (Math.abs(ahead) > 0.015) f.playbackRate = ahead > 0 ? 0.95 : 1.05;
  else if (f.playbackRate !== 1) f.playbackRate = 1;
}

/** Play or pause the preview (space / K). */
export function togglePreviewPlayback(): void {
  const lead = document.querySelector<HTMLMediaElement>('.compare .pane.after video, .compare .pane.after audio');
  if (!lead) return;
  if (lead.paused) void lead.play().catch(() => {});
  else lead.pause();
}
