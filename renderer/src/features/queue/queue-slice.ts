/** Queue: every export and transcription with staged progress, driven by the engine's job events. */
import type { ExportJobRequest, JobEvent, JobKind } from '../../../../electron/common/api';
import { engine } from '../../api/engine';
import { errorText, type Slice } from '../../stores/slice';
import { stageRequest, stagesForClip } from '../enhance/enhance-slice';
import { selectedClip } from '../library/library-slice';
import { outputPathFor } from '../settings/output-naming';
import { exportDevice } from '../settings/settings-slice';
import { toCueData } from '../captions/captions-slice';

export interface QueueJob {
  id: string;
  kind: JobKind;
  input: string;
  output: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  stage?: string;
  fraction: number;
  eta: number | null;
  fps?: number;
  warnings: string[];
  error?: string;
  sidecars?: string[];
  wallSeconds?: number;
  /** What the engine chose by itself for this job (e.g. the stabilizer's camera mode). */
  notes?: string[];
  request?: ExportJobRequest;
}

export interface QueueState {
  jobs: QueueJob[];
  queueError?: string;
  revealed?: string;
}

export interface QueueSlice extends QueueState {
  applyJobEvent(e: JobEvent): void;
  exportSelected(): Promise<void>;
  startJob(request: ExportJobRequest): Promise<void>;
  cancelJob(id: string): Promise<void>;
  retryJob(id: string): Promise<void>;
  revealOutput(id: string): Promise<void>;
}

export const initialQueue: QueueState = { jobs: [], queueError: undefined, revealed: undefined };

export const createQueueSlice: Slice<QueueSlice> = (set, get) => {
  const patch = (id: string, p: Partial<QueueJob>) => set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? { ...j, ...p } : j)) }));
  return {
    ...initialQueue,
    applyJobEvent(e) {
      if (get().applyPreviewEvent(e)) return;
      const known = get().jobs.some((j) => j.id === e.jobId);
      if (e.type === 'queued') {
        if (!known) set((s) => ({ jobs: [...s.jobs, { id: e.jobId, kind: e.kind, input: e.input, output: e.output, status: 'queued', fraction: 0, eta: null, warnings: [] }] }));
        // A retry queues the same job (same id) again.
        else if (get().jobs.some((j) => j.id === e.jobId && (j.status === 'failed' || j.status === 'cancelled' || j.status === 'done'))) {
          patch(e.jobId, { status: 'queued', stage: undefined, fraction: 0, eta: null, error: undefined, warnings: [] });
        }
        return;
      }
      if (!known) return;
      if (e.type === 'progress') patch(e.jobId, { status: 'running', stage: e.stage, fraction: e.fraction, eta: e.eta, fps: e.fps });
      else if (e.type === 'warning') set((s) => ({ jobs: s.jobs.map((j) => (j.id === e.jobId ? { ...j, warnings: [...j.warnings, e.message] } : j)) }));
      else if (e.type === 'done') patch(e.jobId, { status: 'done', fraction: 1, eta: 0, output: e.output, sidecars: e.sidecars, wallSeconds: e.wallSeconds, notes: e.notes });
      else if (e.type === 'failed') patch(e.jobId, { status: 'failed', error: e.message });
      else if (e.type === 'cancelled') patch(e.jobId, { status: 'cancelled' });
      // A finished transcription fills the captions editor.
      const job = get().jobs.find((j) => j.id === e.jobId);
      if (job?.kind === 'transcribe' && get().captionJobId === e.jobId) {
        if (e.type === 'done') void get().loadTranscript(e.jobId);
        else if (e.type === 'failed' || e.type === 'cancelled') get().clearCaptions();
      }
    },
    async exportSelected() {
      const s = get();
      const clip = selectedClip(s);
      if (!clip) return;
      const ext = clip.info && !clip.info.width ? 'm4a' : s.settings.container;
      const stages = stagesForClip(s.stages, clip.info);
      const captions = stages.captions.on && clip.info?.audioTracks ? (ext === 'm4a' ? (['srt', 'vtt'] as const) : (['srt', 'vtt', 'track'] as const)) : undefined;
      const changesPicture = stages.stabilize.on || stages.denoiseVideo.on;
      await get().startJob({
        input: clip.path,
        output: outputPathFor(clip.path, { folder: s.settings.outputFolder, template: s.settings.namingTemplate, extension: ext, preset: s.preset }),
        ...stageRequest(stages),
        ...(captions ? { captions: [...captions] } : {}),
        // Captions the user edited replace a fresh transcription.
        ...(captions && s.cues.length ? { cues: toCueData(s.cues) } : {}),
        // Nothing asked of the picture or the encoder (H.264 and CRF 20 are the defaults): the video is
        // copied untouched. 'auto' leaves the codec to the engine.
        ...(changesPicture || (s.settings.codec !== 'auto' && s.settings.codec !== 'h264') || s.settings.crf !== 20 ? { ...(s.settings.codec === 'auto' ? {} : { codec: s.settings.codec }), crf: s.settings.crf, speed: s.settings.speed } : {}),
        device: exportDevice(s.settings.device, s.engineInfo),
        overwrite: s.settings.overwrite,
        // Exporting again after a change writes name-2.ext beside the first export, not an error.
        ...(s.settings.overwrite ? {} : { keepBoth: true }),
      });
    },
    async startJob(request) {
      try {
        const { jobId, output, alreadyDone } = await engine().startExport(request);
        // A retry asks for the file this job writes, not a fresh numbered name.
        const asked = { ...request, output };
        // The very same export, done before: its row shows it done, with its file.
        const state = alreadyDone ? ({ status: 'done', fraction: 1, eta: 0 } as const) : undefined;
        const exists = get().jobs.some((j) => j.id === jobId);
        if (exists) patch(jobId, { request: asked, output, ...state });
        else set((s) => ({ jobs: [...s.jobs, { id: jobId, kind: 'export', input: request.input, output, status: 'queued', fraction: 0, eta: null, warnings: [], request: asked, ...state }] }));
        set({ queueError: undefined });
      } catch (e) {
        set({ queueError: errorText(e) });
      }
    },
    async cancelJob(id) {
      await engine().cancelJob(id);
    },
    async retryJob(id) {
      const job = get().jobs.find((j) => j.id === id);
      if (job?.request) await get().startJob({ ...job.request, overwrite: job.status === 'done' ? true : job.request.overwrite });
    },
    async revealOutput(id) {
      const job = get().jobs.find((j) => j.id === id);
      if (!job) return;
      const r = await engine().revealInFolder(job.output);
      set({ revealed: r.opened ? undefined : r.folder });
    },
  };
};
