/** Enhancement choices: which stages run and how strongly; presets built in and saved by the user. */
import type { ClipInfo, EngineInfo } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { errorText, type Slice } from '../../stores/slice';
import { BUILTIN_PRESETS, NO_STAGES, STAGES, type StabilizeCamera, type StageChoices, type StageId } from './presets';

const SAVED_KEY = 'clearcut-presets';

export interface EnhanceState {
  stages: StageChoices;
  preset: string;
  savedPresets: Record<string, StageChoices>;
  engineInfo?: EngineInfo;
  engineError?: string;
}

export interface EnhanceSlice extends EnhanceState {
  loadEngineInfo(): Promise<void>;
  toggleStage(id: StageId, on?: boolean): void;
  setStrength(id: StageId, strength: number): void;
  /** How stabilization treats deliberate camera motion (undefined: follow pans). */
  setCamera(camera: StabilizeCamera | undefined): void;
  /** Whether video denoising keeps the clip's own grain. */
  setKeepGrain(keep: boolean): void;
  applyPreset(name: string): void;
  savePreset(name: string): void;
  isAvailable(id: StageId): boolean;
}

const readSaved = (): Record<string, StageChoices> => {
  try {
    return JSON.parse(localStorage.getItem(SAVED_KEY) ?? '{}') as Record<string, StageChoices>;
  } catch {
    return {};
  }
};

export const initialEnhance: EnhanceState = { stages: NO_STAGES, preset: 'Custom', savedPresets: {}, engineInfo: undefined, engineError: undefined };

const CAPABILITY: Record<StageId, string> = { stabilize: 'stabilize', denoiseVideo: 'denoise-video', denoiseAudio: 'denoise-audio', loudnorm: 'loudnorm', captions: 'captions' };

export const createEnhanceSlice: Slice<EnhanceSlice> = (set, get) => ({
  ...initialEnhance,
  savedPresets: typeof localStorage === 'undefined' ? {} : readSaved(),
  async loadEngineInfo() {
    try {
      const engineInfo = await engine().info();
      set({ engineInfo, engineError: undefined });
      if (get().preset === 'Custom' && !Object.values(get().stages).some((s) => s.on)) get().applyPreset('Default');
    } catch (e) {
      set({ engineError: errorText(e) });
    }
  },
  isAvailable(id) {
    return !!get().engineInfo?.capabilities.find((c) => c.id === CAPABILITY[id])?.available;
  },
  toggleStage(id, on) {
    if (!get().isAvailable(id)) return;
    set((s) => ({ preset: 'Custom', stages: { ...s.stages, [id]: { ...s.stages[id], on: on ?? !s.stages[id].on } } }));
  },
  setStrength(id, strength) {
    // The stage's other choices (camera mode, grain) stay as they were.
    set((s) => ({ preset: 'Custom', stages: { ...s.stages, [id]: { ...s.stages[id], on: get().isAvailable(id), strength: Math.min(1, Math.max(0, strength)) } } }));
  },
  setCamera(camera) {
    set((s) => ({ preset: 'Custom', stages: { ...s.stages, stabilize: { ...s.stages.stabilize, camera } } }));
  },
  setKeepGrain(keep) {
    set((s) => ({ preset: 'Custom', stages: { ...s.stages, denoiseVideo: { ...s.stages.denoiseVideo, keepGrain: keep ? undefined : false } } }));
  },
  applyPreset(name) {
    const p = BUILTIN_PRESETS[name] ?? get().savedPresets[name];
    if (!p) return;
    // Stages this engine does not have yet stay off, whatever the preset says.
    const stages = structuredClone(p);
    for (const id of Object.keys(stages) as StageId[]) stages[id].on = stages[id].on && get().isAvailable(id);
    set({ stages, preset: name });
  },
  savePreset(name) {
    const savedPresets = { ...get().savedPresets, [name]: structuredClone(get().stages) };
    localStorage.setItem(SAVED_KEY, JSON.stringify(savedPresets));
    set({ savedPresets, preset: name });
  },
});

/**
 * Why a stage cannot run on a clip: it works on a stream the clip does not have (undefined when it
 * can, or while the clip is still being probed). The engine refuses such a request outright.
 */
export function missingStream(id: StageId, info: ClipInfo | undefined): string | undefined {
  if (!info) return undefined;
  const works = STAGES.find((s) => s.id === id)!.works;
  if (works === 'video' && !info.width) return 'No video in this clip';
  if (works === 'audio' && info.audioTracks === 0) return 'No audio in this clip';
  return undefined;
}

/**
 * The choices as they apply to one clip: a stage for a stream the clip lacks is left out (the
 * Default preset's speech cleanup on a silent clip, stabilization on a voice memo), while the
 * choice itself stays for the next clip.
 */
export function stagesForClip(stages: StageChoices, info: ClipInfo | undefined): StageChoices {
  const out = { ...stages };
  for (const id of Object.keys(out) as StageId[]) if (out[id].on && missingStream(id, info)) out[id] = { ...out[id], on: false };
  return out;
}

/** The stage fields of an export or preview request for the current choices. */
export function stageRequest(stages: StageChoices): { stabilize?: number; stabilizeCamera?: StabilizeCamera; denoiseVideo?: number; denoiseVideoKeepGrain?: boolean; denoiseAudio?: number; loudnorm?: boolean } {
  return {
    ...(stages.stabilize.on ? { stabilize: stages.stabilize.strength, ...(stages.stabilize.camera ? { stabilizeCamera: stages.stabilize.camera } : {}) } : {}),
    ...(stages.denoiseVideo.on ? { denoiseVideo: stages.denoiseVideo.strength, ...(stages.denoiseVideo.keepGrain === false ? { denoiseVideoKeepGrain: false } : {}) } : {}),
    ...(stages.denoiseAudio.on ? { denoiseAudio: stages.denoiseAudio.strength } : {}),
    ...(stages.loudnorm.on ? { loudnorm: true } : {}),
  };
}
