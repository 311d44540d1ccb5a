/**
 * Plain data the engine services exchange with a UI shell (the web bridge, Electron's utility
 * process). core/ may not import electron/, so these mirror electron/common/api.ts; a type test in
 * electron/main keeps the two identical in shape. Times in seconds, strengths 0..1.
 */
import type { Device } from '../models/session.js';

export interface DeviceChoiceData {
  id: Device;
  label: string;
  available: boolean;
  reason?: string;
}

export interface ClipSummary {
  path: string;
  durationSeconds: number;
  width?: number;
  height?: number;
  frameRate?: number;
  variableFrameRate: boolean;
  rotation: number;
  audioTracks: number;
  warnings: string[];
}

export interface CueData {
  start: number;
  end: number;
  lines: string[];
  words?: Array<{ text: string; start: number; end: number; confidence?: number }>;
}

export interface StageChoice {
  stabilize?: number;
  /**
   * Stabilization keeps slow sway ('smooth-motion'), holds the frame still between pans ('steady')
   * or locks the camera ('tripod'); default: 'smooth-motion' where the clip sways, else 'steady'.
   */
  stabilizeCamera?: 'smooth-motion' | 'steady' | 'tripod';
  denoiseVideo?: number;
  /** Video denoising keeps the clip's own coarse grain where it averages still parts (default); false: a grain-free look. */
  denoiseVideoKeepGrain?: boolean;
  denoiseAudio?: number;
  loudnorm?: boolean;
}

export interface ExportJob extends StageChoice {
  input: string;
  output: string;
  captions?: Array<'srt' | 'vtt' | 'burn' | 'track'>;
  cues?: CueData[];
  codec?: 'h264' | 'h265' | 'vp9';
  crf?: number;
  speed?: 'ultrafast' | 'veryfast' | 'fast' | 'medium' | 'slow';
  device?: Device;
  overwrite?: boolean;
  /** When the output name is taken (and overwrite is off), write name-2.ext, name-3.ext, ... beside it. */
  keepBoth?: boolean;
}

export interface PreviewJob extends StageChoice {
  input: string;
  start: number;
  duration: number;
  captions?: boolean;
  /** The UI's name for this preview: its progress arrives as job events with this id, and cancelJob(previewId) stops it. */
  previewId?: string;
}

export interface PreviewFiles {
  before: string;
  after: string;
  removedNoise?: string;
  captionsVtt?: string;
  start: number;
  duration: number;
  /** Stabilization's camera mode as used (Automatic decided on the whole clip), when stabilizing. */
  camera?: 'smooth-motion' | 'steady' | 'tripod';
  /** What the preview chose by itself. */
  notes: string[];
  warnings: string[];
}

export type JobKind = 'export' | 'transcribe';

export type JobEventData =
  | { type: 'queued'; jobId: string; kind: JobKind; input: string; output: string }
  | { type: 'progress'; jobId: string; stage: string; done: number; total: number; fps: number; eta: number | null; fraction: number }
  | { type: 'warning'; jobId: string; message: string }
  | { type: 'done'; jobId: string; output: string; wallSeconds: number; sidecars?: string[]; notes?: string[] }
  | { type: 'failed'; jobId: string; code: string; message: string; file?: string }
  | { type: 'cancelled'; jobId: string };

export interface EngineInfoData {
  ffmpegVersion: string;
  ffmpegSource: string;
  devices: string[];
  deviceChoices: DeviceChoiceData[];
  capabilities: Array<{ id: string; available: boolean; description: string }>;
  shell?: 'electron' | 'web';
  homeFolder?: string;
}

export interface FolderListingData {
  folder: string;
  parent?: string;
  entries: Array<{ name: string; path: string; kind: 'folder' | 'media' }>;
}

export interface TranscriptData {
  cues: CueData[];
  lowConfidenceBelow: number;
}
