/** Checks an input against what the requested stages and output need, before any work starts. */
import { MediaError, UsageError } from '../common/errors.js';
import type { MediaInfo } from '../media/media-info.js';
import { isAcceptedSourcePixelFormat } from '../media/pixel-formats.js';
import type { Stage } from './stage.js';

/** Frames larger than this (8K x 8K) are refused rather than exhausting memory. */
export const MAX_FRAME_PIXELS = 8192 * 8192;

const names = (stages: Stage[]): string => {
  const ids = stages.map((s) => s.id);
  return ids.length > 1 ? `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}` : ids[0]!;
};

const needsVideo = (s: Stage): boolean => s.kind === 'video';
const needsAudio = (s: Stage): boolean => s.kind === 'audio-filter' || s.kind === 'audio-pcm' || s.kind === 'captions';

/**
 * The stages that can run on `media` (skipUnfitStages): picture stages need a video stream and a
 * video output, sound stages an audio stream. `warning` names what was left out, and why.
 */
export function stagesThatFit(media: MediaInfo, stages: Stage[], audioOnlyOutput: boolean): { stages: Stage[]; warning?: string } {
  const noPicture = !media.video || audioOnlyOutput;
  const left = stages.filter((s) => (needsVideo(s) && noPicture) || (needsAudio(s) && media.audio.length === 0));
  if (!left.length) return { stages };
  const why = left.some(needsVideo) && left.some(needsAudio) ? 'no stream they work on' : left.some(needsVideo) ? (media.video ? 'an audio-only output' : 'no video') : 'no audio';
  return { stages: stages.filter((s) => !left.includes(s)), warning: `${media.file} has ${why}, so ${names(left)} ${left.length > 1 ? 'were' : 'was'} left out.` };
}

export function validateInputForStages(media: MediaInfo, stages: Stage[], audioOnlyOutput: boolean): void {
  const file = media.file;
  const video = stages.filter(needsVideo);
  const audio = stages.filter(needsAudio);
  if (video.length && !media.video) {
    throw new MediaError('NO_VIDEO_STREAM', `${file} has no video, but ${names(video)} ${video.length > 1 ? 'need' : 'needs'} video.`, { file });
  }
  if (video.length && audioOnlyOutput) throw new UsageError(`${names(video)} ${video.length > 1 ? 'change' : 'changes'} the picture, but the output is an audio-only format.`);
  if (audio.length && media.audio.length === 0) {
    throw new MediaError('NO_AUDIO_STREAM', `${file} has no audio, but ${names(audio)} ${audio.length > 1 ? 'need' : 'needs'} audio.`, { file });
  }
  if (media.video && !audioOnlyOutput) {
    const v = media.video;
    if (!isAcceptedSourcePixelFormat(v.pixelFormat)) {
      throw new MediaError('UNSUPPORTED_PIXEL_FORMAT', `${file} uses pixel format "${v.pixelFormat}", which Clearcut cannot process (supported: YUV, RGB and grey formats up to 16 bits).`, { file });
    }
    if (v.width <= 0 || v.height <= 0) throw new MediaError('CORRUPT_MEDIA', `${file} reports a ${v.width}x${v.height} picture.`, { file });
    if (v.width * v.height > MAX_FRAME_PIXELS) {
      throw new MediaError('FRAME_TOO_LARGE', `${file} has ${v.width}x${v.height} frames; Clearcut handles up to 8192x8192 (${MAX_FRAME_PIXELS / 1e6} megapixels) per frame.`, { file });
    }
  }
  if (!media.video && media.audio.length === 0) throw new MediaError('NOT_MEDIA', `${file} has nothing to export.`, { file });
}
