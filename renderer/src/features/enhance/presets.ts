/** Built-in enhancement presets (mirroring the CLI's), plus the user's saved ones. */
export type StageId = 'stabilize' | 'denoiseVideo' | 'denoiseAudio' | 'loudnorm' | 'captions';

export interface StageToggle {
  on: boolean;
  strength: number;
  /**
   * Stabilize only: keep slow sway ('smooth-motion'), hold still between pans ('steady') or lock the
   * camera ('tripod'); absent: the engine chooses from the clip's motion.
   */
  camera?: StabilizeCamera;
  /** Denoise video only: false removes the clip's own grain too (a cleaner look); absent: keep it. */
  keepGrain?: boolean;
}

export type StabilizeCamera = 'smooth-motion' | 'steady' | 'tripod';

/** The stabilizer's camera modes as the panel offers them. */
export const CAMERA_MODES: Array<{ id: StabilizeCamera | 'auto'; label: string }> = [
  { id: 'auto', label: 'Automatic' },
  { id: 'smooth-motion', label: 'Keep slow sway' },
  { id: 'steady', label: 'Hold still between pans' },
  { id: 'tripod', label: 'Lock (tripod)' },
];

/** What video denoising does with the clip's own grain, as the panel offers it. */
export const GRAIN_MODES: Array<{ id: 'keep' | 'remove'; label: string }> = [
  { id: 'keep', label: "Keep the clip's own grain" },
  { id: 'remove', label: 'Remove all grain (cleaner)' },
];

export type StageChoices = Record<StageId, StageToggle>;

export const STAGES: Array<{ id: StageId; capability: string; label: string; hint: string; hasStrength: boolean; works: 'video' | 'audio' }> = [
  { id: 'stabilize', capability: 'stabilize', label: 'Stabilize', hint: 'Smooth handheld camera shake', hasStrength: true, works: 'video' },
  { id: 'denoiseVideo', capability: 'denoise-video', label: 'Denoise video', hint: 'Remove sensor grain in low light', hasStrength: true, works: 'video' },
  { id: 'denoiseAudio', capability: 'denoise-audio', label: 'Clean up speech', hint: 'Remove background noise around voices', hasStrength: true, works: 'audio' },
  { id: 'loudnorm', capability: 'loudnorm', label: 'Even loudness', hint: 'EBU R128, -16 LUFS, for phones and the web', hasStrength: false, works: 'audio' },
  { id: 'captions', capability: 'captions', label: 'Captions', hint: 'Speech to subtitles (SRT, WebVTT, track)', hasStrength: false, works: 'audio' },
];

const off = (strength = 0.7): StageToggle => ({ on: false, strength });
export const NO_STAGES: StageChoices = { stabilize: off(), denoiseVideo: off(0.5), denoiseAudio: off(0.8), loudnorm: off(1), captions: off(1) };

const with_ = (on: Partial<Record<StageId, number>>): StageChoices => {
  const out = structuredClone(NO_STAGES);
  for (const [id, strength] of Object.entries(on) as Array<[StageId, number]>) out[id] = { on: true, strength };
  return out;
};

export const BUILTIN_PRESETS: Record<string, StageChoices> = {
  Default: with_({ denoiseAudio: 0.8, loudnorm: 1 }),
  Podcast: with_({ denoiseAudio: 1, loudnorm: 1, captions: 1 }),
  'Phone vlog': with_({ stabilize: 0.7, denoiseVideo: 0.4, denoiseAudio: 0.8, loudnorm: 1, captions: 1 }),
  Interview: with_({ denoiseAudio: 0.9, loudnorm: 1, captions: 1 }),
  Archive: with_({ denoiseVideo: 0.3 }),
};
