/**
 * The one contract between the UI and the engine. The renderer only sees `EngineApi`: in Electron
 * the preload implements it over IPC; in a plain browser (`clearcut serve`, tests) a web client will
 * implement it over HTTP/WebSocket. Plain data only: everything here must survive structured clone.
 */

export interface ClipInfo {
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

export interface ExportJobRequest {
  input: string;
  output: string;
  stabilize?: number;
  denoiseVideo?: number;
  denoiseAudio?: number;
  captions?: Array<'srt' | 'vtt' | 'burn' | 'track'>;
  loudnorm?: boolean;
  overwrite?: boolean;
}

export type JobEvent =
  | { type: 'progress'; jobId: string; stage: string; done: number; total: number; fps: number; eta: number | null; fraction: number }
  | { type: 'warning'; jobId: string; message: string }
  | { type: 'done'; jobId: string; output: string; wallSeconds: number }
  | { type: 'failed'; jobId: string; code: string; message: string; file?: string }
  | { type: 'cancelled'; jobId: string };

export interface EngineInfo {
  ffmpegVersion: string;
  ffmpegSource: string;
  devices: string[];
  capabilities: Array<{ id: string; available: boolean; description: string }>;
}

export interface EngineApi {
  info(): Promise<EngineInfo>;
  /** Ask the user for clips; only paths chosen here (or dropped) may be read later. */
  pickClips(): Promise<string[]>;
  probe(path: string): Promise<ClipInfo>;
  startExport(request: ExportJobRequest): Promise<{ jobId: string }>;
  cancelExport(jobId: string): Promise<void>;
  /** Subscribe to job events; returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
}

/** IPC channel names (invoke channels and the one event channel). */
export const CHANNELS = {
  info: 'engine:info',
  pickClips: 'engine:pick-clips',
  probe: 'engine:probe',
  startExport: 'engine:start-export',
  cancelExport: 'engine:cancel-export',
  jobEvent: 'engine:job-event',
} as const;

export type InvokeChannel = Exclude<(typeof CHANNELS)[keyof typeof CHANNELS], typeof CHANNELS.jobEvent>;
