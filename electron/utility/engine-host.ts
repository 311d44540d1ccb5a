/**
 * Utility process entry: runs the engine (ffmpeg, ONNX inference) away from the main process.
 * Messages: { id, method, args } in; { id, ok, value | error } or { event } out.
 */
import { ffmpegBinary, ffmpegFeatures } from '../../core/media/ffmpeg-binaries.js';
import { killAllMediaProcesses } from '../../core/media/ffmpeg-process.js';
import { probeMedia } from '../../core/media/probe.js';
import { availableDevices } from '../../core/models/session.js';
import { runExport } from '../../core/pipeline/run-export.js';
import { CAPABILITIES } from '../../core/stages/index.js';
import { toClearcutError } from '../../core/common/errors.js';
import type { ClipInfo, EngineInfo, ExportJobRequest, JobEvent } from '../common/api.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: { id: string; method: string; args: unknown[] } }) => void): void;
  postMessage(message: unknown): void;
}
const port = (process as unknown as { parentPort: ParentPort }).parentPort;
const jobs = new Map<string, AbortController>();
const send = (event: JobEvent): void => port.postMessage({ event });

async function info(): Promise<EngineInfo> {
  const f = await ffmpegFeatures();
  return { ffmpegVersion: f.version, ffmpegSource: ffmpegBinary().source, devices: availableDevices(), capabilities: CAPABILITIES.map(({ id, available, description }) => ({ id, available, description })) };
}

async function probe(path: string): Promise<ClipInfo> {
  const m = await probeMedia(path);
  const v = m.video;
  const warnings: string[] = [];
  if (v?.variableFrameRate) warnings.push('Variable frame rate');
  if (v && (v.rotation === 90 || v.rotation === 270)) warnings.push('Portrait (rotated)');
  if (m.audio.length === 0) warnings.push('No audio');
  return { path, durationSeconds: m.duration, width: v?.width, height: v?.height, frameRate: v ? v.avgFrameRate.num / (v.avgFrameRate.den || 1) : undefined, variableFrameRate: !!v?.variableFrameRate, rotation: v?.rotation ?? 0, audioTracks: m.audio.length, warnings };
}

function startExport(jobId: string, request: ExportJobRequest): void {
  const controller = new AbortController();
  jobs.set(jobId, controller);
  runExport({ ...request, signal: controller.signal, onProgress: (e) => send({ type: 'progress', jobId, stage: e.stage, done: e.done, total: e.total, fps: e.fps, eta: e.eta, fraction: e.fraction }), onWarning: (message) => send({ type: 'warning', jobId, message }) })
    .then((s) => send({ type: 'done', jobId, output: s.output, wallSeconds: s.wallSeconds }))
    .catch((e) => {
      const err = toClearcutError(e);
      send(err.code === 'CANCELLED' ? { type: 'cancelled', jobId } : { type: 'failed', jobId, code: err.code, message: err.message, file: err.file });
    })
    .finally(() => jobs.delete(jobId));
}

port.on('message', ({ data }) => {
  const { id, method, args } = data;
  const reply = (p: Promise<unknown>): void => void p.then((value) => port.postMessage({ id, ok: true, value }), (e) => port.postMessage({ id, ok: false, error: toClearcutError(e).message }));
  if (method === 'info') reply(info());
  else if (method === 'probe') reply(probe(String(args[0])));
  else if (method === 'export') startExport(String(args[0]), args[1] as ExportJobRequest);
  else if (method === 'cancel') jobs.get(String(args[0]))?.abort();
});

process.on('exit', () => killAllMediaProcesses());
