/**
 * The one contract between the UI and the engine. The renderer only sees `EngineApi`: in Electron
 * the preload implements it over IPC; in a plain browser (`clearcut serve`, tests) the web client
 * (renderer/src/api/web-client.ts) implements it over HTTP + Server-Sent Events. Plain data only:
 * everything here must survive structured clone and JSON. Times are seconds, strengths 0..1.
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

/** The enhancement stages a request asks for; a stage left out does not run. */
export interface StageSettings {
  stabilize?: number;
  /** Stabilization keeps slow sway ('smooth-motion'), holds still between pans ('steady') or locks the camera ('tripod'); default: chosen from the clip. */
  stabilizeCamera?: 'smooth-motion' | 'steady' | 'tripod';
  denoiseVideo?: number;
  /** Video denoising keeps the clip's own coarse grain where it averages still parts (default); false: a grain-free look. */
  denoiseVideoKeepGrain?: boolean;
  denoiseAudio?: number;
  loudnorm?: boolean;
}

export interface CaptionWordData {
  text: string;
  start: number;
  end: number;
  confidence?: number;
}

export interface CaptionCueData {
  start: number;
  end: number;
  lines: string[];
  words?: CaptionWordData[];
}

/** Where the enhancement models run (ONNX Runtime execution providers). */
export type InferenceDevice = 'cpu' | 'cuda' | 'coreml' | 'dml';

/** One device the engine knows, and whether this machine's onnxruntime can use it. */
export interface DeviceChoice {
  id: InferenceDevice;
  label: string;
  available: boolean;
  /** Why it cannot be used here, when it is not available. */
  reason?: string;
}

export interface ExportJobRequest extends StageSettings {
  input: string;
  output: string;
  captions?: Array<'srt' | 'vtt' | 'burn' | 'track'>;
  /** Captions the user edited: used instead of running speech recognition again. */
  cues?: CaptionCueData[];
  codec?: 'h264' | 'h265' | 'vp9';
  crf?: number;
  /** x264/x265 speed preset. */
  speed?: 'ultrafast' | 'veryfast' | 'fast' | 'medium' | 'slow';
  /** Where the models run; an unavailable device (or one that fails) falls back to the CPU with a warning. */
  device?: InferenceDevice;
  overwrite?: boolean;
  /** When the output name is taken (and overwrite is off), write name-2.ext, name-3.ext, ... beside it instead of failing. */
  keepBoth?: boolean;
}

/** A short before/after render of one region of a clip, encoded as H.264 so any Chromium plays it. */
export interface PreviewRequest extends StageSettings {
  input: string;
  start: number;
  /** Seconds, up to 10. */
  duration: number;
  captions?: boolean;
  /** The UI's name for this preview: its progress arrives as job events with this id, and cancelJob(previewId) stops it. */
  previewId?: string;
}

export interface PreviewResult {
  /** Media files; turn them into URLs with EngineApi.mediaUrl. */
  before: string;
  after: string;
  /** What the speech cleanup removed, when denoiseAudio ran. */
  removedNoise?: string;
  /** WebVTT captions of the region, when asked for. */
  captionsVtt?: string;
  start: number;
  duration: number;
  /** Stabilization's camera mode as used (Automatic decided on the whole clip), when stabilizing. */
  camera?: 'smooth-motion' | 'steady' | 'tripod';
  /** What the preview chose by itself. */
  notes: string[];
  warnings: string[];
}

export interface Transcript {
  cues: CaptionCueData[];
  /** Words with a confidence under this are worth a second look. */
  lowConfidenceBelow: number;
}

export type JobKind = 'export' | 'transcribe';

export type JobEvent =
  | { type: 'queued'; jobId: string; kind: JobKind; input: string; output: string }
  | { type: 'progress'; jobId: string; stage: string; done: number; total: number; fps: number; eta: number | null; fraction: number }
  | { type: 'warning'; jobId: string; message: string }
  | { type: 'done'; jobId: string; output: string; wallSeconds: number; sidecars?: string[]; notes?: string[] }
  | { type: 'failed'; jobId: string; code: string; message: string; file?: string }
  | { type: 'cancelled'; jobId: string };

export interface EngineInfo {
  ffmpegVersion: string;
  ffmpegSource: string;
  /** The devices usable here (ids of the available `deviceChoices`). */
  devices: string[];
  /** Every device the engine knows, available or not (with the reason), for the device choice. */
  deviceChoices: DeviceChoice[];
  capabilities: Array<{ id: string; available: boolean; description: string }>;
  /** 'electron' shows native dialogs; 'web' (clearcut serve) asks for paths on the engine's machine. */
  shell?: 'electron' | 'web';
  /** The engine's home folder, a starting point for the web open dialog. */
  homeFolder?: string;
}

/**
 * Things the desktop shell's menus (and the OS: dock, Open Recent) ask the UI to do. In Electron they
 * arrive through `onAppEvent`; the web bridge has no menus and never sends any.
 */
export type AppEvent =
  /** Clips main already opened for the user (dialog, folder, recent or dock): add them to the library. */
  | { type: 'open-clips'; paths: string[] }
  /** File ▸ Export (CmdOrCtrl+E): export the selected clip with the current settings. */
  | { type: 'export-selected' };

export interface FolderListing {
  folder: string;
  parent?: string;
  entries: Array<{ name: string; path: string; kind: 'folder' | 'media' }>;
}

export interface EngineApi {
  info(): Promise<EngineInfo>;
  /** Ask the user for clips (native dialog); only paths chosen here (or dropped) may be read later. */
  pickClips(): Promise<string[]>;
  /**
   * Web bridge: the user typed or browsed to these paths in the app's open dialog. They become
   * readable like picked files. Missing or non-media files are refused.
   */
  openPaths?(paths: string[]): Promise<string[]>;
  /** Web bridge: folders and media files in a folder of the engine's machine, for the open dialog. */
  listFolder?(folder: string): Promise<FolderListing>;
  /** Choose where outputs go (typed in the web bridge, a native dialog in Electron). */
  pickOutputFolder(typed?: string): Promise<string | null>;
  probe(path: string): Promise<ClipInfo>;
  /** `count` JPEG thumbnails evenly spread over the clip, as data: URLs. */
  thumbnails(path: string, count: number): Promise<string[]>;
  /** Peak level (0..1) of the first audio track in `buckets` equal slices. */
  waveform(path: string, buckets: number): Promise<number[]>;
  /**
   * Render a before/after preview; a newer preview cancels an older one still running. With a
   * previewId, progress arrives as job events with that id and cancelJob(previewId) cancels it.
   */
  renderPreview(request: PreviewRequest): Promise<PreviewResult>;
  /** A URL the renderer can play for an engine-side media file (preview renders, outputs). */
  mediaUrl(path: string): string;
  /**
   * Queue an export; `output` is the file it writes (numbered when `keepBoth` found the name taken).
   * `alreadyDone`: with `keepBoth`, the same clip and settings were already exported to `output`; nothing was queued.
   */
  startExport(request: ExportJobRequest): Promise<{ jobId: string; output: string; alreadyDone?: boolean }>;
  /** Speech to captions for a clip, as a queued job; read the result with readTranscript. */
  startTranscribe(path: string): Promise<{ jobId: string }>;
  readTranscript(jobId: string): Promise<Transcript>;
  /**
   * Write captions as SRT or WebVTT; returns the file written: `output`, or a "-2", "-3", ... name
   * when `output` exists and was not written by an earlier save of these captions.
   */
  saveCaptions(output: string, cues: CaptionCueData[], format: 'srt' | 'vtt'): Promise<string>;
  cancelJob(jobId: string): Promise<void>;
  /** Show a finished output in the file manager; where that cannot be done, `opened` is false. */
  revealInFolder(path: string): Promise<{ opened: boolean; folder: string }>;
  /** Subscribe to job events; returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /**
   * Electron only: open files and folders dropped on the window (folders give their media files).
   * The preload turns each `File` into its path (webUtils.getPathForFile) and main allows them.
   * Absent in the web bridge: a browser never tells the page where a dropped file is on disk.
   * Not plain data: `File`s only cross the contextBridge, never IPC or JSON.
   */
  openDroppedFiles?(files: readonly File[]): Promise<string[]>;
  /** Electron only: menu and OS requests for the UI (see AppEvent); returns the unsubscribe function. */
  onAppEvent?(listener: (event: AppEvent) => void): () => void;
}

/** IPC channel names (invoke channels and the one event channel). */
export const CHANNELS = {
  info: 'engine:info',
  pickClips: 'engine:pick-clips',
  pickOutputFolder: 'engine:pick-output-folder',
  probe: 'engine:probe',
  thumbnails: 'engine:thumbnails',
  waveform: 'engine:waveform',
  renderPreview: 'engine:render-preview',
  startExport: 'engine:start-export',
  startTranscribe: 'engine:start-transcribe',
  readTranscript: 'engine:read-transcript',
  saveCaptions: 'engine:save-captions',
  cancelJob: 'engine:cancel-job',
  revealInFolder: 'engine:reveal-in-folder',
  openDropped: 'engine:open-dropped',
  jobEvent: 'engine:job-event',
  appEvent: 'engine:app-event',
} as const;

/** Channels main sends on (events); every other channel is an invoke channel. */
export type EventChannel = typeof CHANNELS.jobEvent | typeof CHANNELS.appEvent;
export type InvokeChannel = Exclude<(typeof CHANNELS)[keyof typeof CHANNELS], EventChannel>;
