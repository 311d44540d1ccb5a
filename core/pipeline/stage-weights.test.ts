import { describe, expect, it } from 'vitest';
import type { MediaInfo } from '../media/media-info.js';
import { createDenoiseAudioStage } from '../stages/denoise-audio/denoise-audio-stage.js';
import { createDenoiseVideoStage } from '../stages/denoise-video/denoise-video-stage.js';
import { createStabilizeStage } from '../stages/stabilize/stabilize-stage.js';
import { exportStageWeights } from './stage-weights.js';

const clip = (width: number, height: number, seconds: number, fps = 30): MediaInfo =>
  ({ file: 'clip.mp4', duration: seconds, video: { width, height, frameCount: seconds * fps, avgFrameRate: { num: fps, den: 1 } }, audio: [{}] }) as unknown as MediaInfo;

describe('export progress weights', () => {
  const stages = () => ({ video: [createStabilizeStage({ strength: 0.5 }), createDenoiseVideoStage({ strength: 0.5 })], filters: [], pcm: [createDenoiseAudioStage({ strength: 0.8 })], captions: [] });
  const share = (media: MediaInfo, id: string) => {
    const w = exportStageWeights(stages() as never, media, true);
    return w.find((x) => x.id === id)!.weight / w.reduce((a, x) => a + x.weight, 0);
  };

  it('weighs the picture work by frame size and count, and the sound work by length', () => {
    // 10 minutes of 720p30 with video denoising: cleaning the speech is under 1 % of the work,
    // so the ETA measured while it runs is not taken for the whole export's.
    expect(share(clip(1280, 720, 600), 'denoise-audio')).toBeLessThan(0.01);
    expect(share(clip(1280, 720, 600), 'encode')).toBeGreaterThan(0.85);
    // The same length at 1080p: more picture work, so an even smaller share for the sound.
    expect(share(clip(1920, 1080, 600), 'denoise-audio')).toBeLessThan(share(clip(1280, 720, 600), 'denoise-audio'));
    // The motion analysis is a pass over every frame, a small part next to denoising them.
    expect(share(clip(1280, 720, 600), 'stabilize-analyze')).toBeGreaterThan(0.03);
    expect(share(clip(1280, 720, 600), 'stabilize-analyze')).toBeLessThan(0.15);
  });

  it("stabilization's motion analysis and its render take the shares measured on 2 cores", () => {
    // Uncached analysis vs warp + encode of 10 s of 30 fps shake (2026-11-28): 3.0 / 7.3 s at
    // 720p, 3.4 / 16.1 s at 1080p, 3.4 / 30.8 s for 5 s of 4K. The weights before gave the
    // analysis 0.31 of a 1080p export, so the ETA during it was a third of the time left.
    const analysisShare = (media: MediaInfo) => {
      const w = exportStageWeights({ video: [createStabilizeStage({ strength: 0.5 })], filters: [], pcm: [], captions: [] } as never, media, true);
      return w.find((x) => x.id === 'stabilize-analyze')!.weight / w.reduce((a, x) => a + x.weight, 0);
    };
    for (const [media, measured] of [[clip(1280, 720, 10), 3.0 / 10.3], [clip(1920, 1080, 10), 3.4 / 19.5], [clip(3840, 2160, 5), 3.4 / 34.2]] as const) {
      expect(Math.abs(analysisShare(media) - measured)).toBeLessThan(0.05);
    }
  });

  it('an audio-only export is weighed by its length', () => {
    const w = exportStageWeights({ video: [], filters: [], pcm: [createDenoiseAudioStage({ strength: 0.8 })], captions: [] } as never, { file: 'a.m4a', duration: 60, audio: [{}] } as unknown as MediaInfo, false);
    expect(w.map((x) => x.id)).toEqual(['denoise-audio', 'encode']);
    expect(w[0]!.weight).toBeGreaterThan(w[1]!.weight);
  });
});
