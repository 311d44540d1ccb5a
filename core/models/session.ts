/**
 * ONNX Runtime sessions with a chosen execution provider. CPU is the default; cuda, coreml and dml
 * are used when this onnxruntime build has them, otherwise the session falls back to CPU and says so.
 */
import * as ort from 'onnxruntime-node';
import { EngineError } from '../common/errors.js';
import { modelPath } from './registry.js';

export type Device = 'cpu' | 'cuda' | 'coreml' | 'dml';
export const DEVICES: Device[] = ['cpu', 'cuda', 'coreml', 'dml'];

/** Execution providers this onnxruntime-node build can actually load here. */
export function availableDevices(): Device[] {
  const backends = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  const out: Device[] = ['cpu'];
  for (const b of backends) {
    // cuda/tensorrt are listed but "not bundled": their libraries come from a separate install.
    if (b.name === 'cuda' && b.bundled) out.push('cuda');
    if (b.name === 'coreml') out.push('coreml');
    if (b.name === 'dml') out.push('dml');
  }
  return out;
}

export interface SessionResult {
  session: ort.InferenceSession;
  device: Device;
  warning?: string;
}

export interface SessionOptions {
  device?: Device;
  /** Threads for one operator; 0 lets onnxruntime decide. */
  intraOpThreads?: number;
  /**
   * Let idle operator threads spin-wait for the next operator (onnxruntime's default). Off saves
   * CPU where a model runs beside other busy work: the video denoiser next to ffmpeg's encoder used
   * 14 % less CPU time at the same speed (one-off measurement, 720p, 2 cores).
   */
  spin?: boolean;
}

/** Create a session for a model of the registry, on the requested device or CPU. */
export async function createModelSession(name: string, opts: SessionOptions = {}): Promise<SessionResult> {
  const file = await modelPath(name);
  return createSessionFromFile(file, opts);
}

export async function createSessionFromFile(file: string, opts: SessionOptions = {}): Promise<SessionResult> {
  const wanted = opts.device ?? 'cpu';
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: opts.intraOpThreads ?? 0,
    ...(opts.spin === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
  };
  let warning: string | undefined;
  if (wanted !== 'cpu') {
    if (availableDevices().includes(wanted)) {
      try {
        const session = await ort.InferenceSession.create(file, { ...base, executionProviders: [wanted, 'cpu'] });
        return { session, device: wanted };
      } catch (e) {
        warning = `Device ${wanted} failed to start (${(e as Error).message.split('\n')[0]}); using the CPU instead.`;
      }
    } else {
      warning = `Device ${wanted} is not available in this build of onnxruntime; using the CPU instead.`;
    }
  }
  try {
    const session = await ort.InferenceSession.create(file, { ...base, executionProviders: ['cpu'] });
    return { session, device: 'cpu', warning };
  } catch (e) {
    throw new EngineError('MODEL_CORRUPT', `Cannot load model ${file}: ${(e as Error).message}`, { file });
  }
}
