/**
 * Loaded caption models, shared within the process: one Whisper recogniser per thread count and
 * one Silero VAD session per device. Loading Whisper costs ~0.15-0.4 s and a VAD session
 * ~30-100 ms, which for a short clip is as much as transcribing it, so the desktop app, the
 * job queue and the watch folder should not pay it for every file.
 *
 * Both sessions are stateless between runs (the VAD's recurrent state is an input and output
 * of each run, kept by StreamingVad), and onnxruntime allows concurrent runs of one session, so
 * concurrent transcriptions may share them. Users acquire and release; a model nobody holds is
 * released after `idleMs` (a timer that does not keep the process alive).
 */
import type * as ort from 'onnxruntime-node';
import { modelPath } from '../../models/registry.js';
import { createModelSession, type Device } from '../../models/session.js';
import { WhisperRecognizer } from './whisper-recognizer.js';

export const WHISPER_MODEL = 'whisper-tiny-en';

interface Entry<T> {
  value: Promise<T>;
  users: number;
  timer?: NodeJS.Timeout;
  close: (v: T) => Promise<void>;
}

/** How long an unused model stays loaded, ms. */
let idleMs = 120_000;
const entries = new Map<string, Entry<unknown>>();

/** Take a user's hold on the model under `key`, loading it first if needed. */
async function acquire<T>(key: string, open: () => Promise<T>, close: (v: T) => Promise<void>): Promise<{ value: T; release: () => void }> {
  let e = entries.get(key) as Entry<T> | undefined;
  if (!e) {
    const created: Entry<T> = { value: open(), users: 0, close };
    e = created;
    entries.set(key, created as Entry<unknown>);
    // A failed load is forgotten, so the next caller tries again (e.g. after the prepare step).
    created.value.catch(() => entries.get(key) === created && entries.delete(key));
  }
  const entry = e;
  clearTimeout(entry.timer);
  entry.timer = undefined;
  entry.users++;
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    if (--entry.users > 0 || entries.get(key) !== entry) return;
    entry.timer = setTimeout(() => void drop(key, entry as Entry<unknown>), idleMs);
    entry.timer.unref?.();
  };
  try {
    return { value: await entry.value, release };
  } catch (err) {
    release();
    throw err;
  }
}

async function drop(key: string, e: Entry<unknown>): Promise<void> {
  if (entries.get(key) !== e || e.users > 0) return;
  entries.delete(key);
  clearTimeout(e.timer);
  try {
    await e.close(await e.value);
  } catch {
    // never loaded, or already gone
  }
}

/**
 * Session options for Whisper: `threads` intra-op threads that sleep instead of spinning while
 * they wait. On 2 cores shared with ffmpeg or other jobs, spinning threads steal the cores the
 * work needs: measured on this machine under load, 0.76-1.08 s instead of 1.3-1.6 s wall (0.5 s
 * instead of 0.75 s CPU) for a 3 s window.
 */
export function whisperSessionOptions(threads = 2): ort.InferenceSession.SessionOptions {
  return { graphOptimizationLevel: 'all', intraOpNumThreads: threads, extra: { session: { intra_op: { allow_spinning: '0' } } } };
}

/** A shared, loaded Whisper tiny.en recogniser; hand it back with release(). */
export async function acquireWhisper(threads = 2): Promise<{ recognizer: WhisperRecognizer; release: () => void }> {
  const { value, release } = await acquire(
    `whisper:${threads}`,
    async () => {
      const rec = new WhisperRecognizer(await modelPath(WHISPER_MODEL), whisperSessionOptions(threads));
      await rec.load();
      return rec;
    },
    (r) => r.dispose(),
  );
  return { recognizer: value, release };
}

/** A shared Silero VAD session on `device` (or the CPU); hand it back with release(). */
export async function acquireVadSession(device: Device = 'cpu'): Promise<{ session: ort.InferenceSession; release: () => void }> {
  const { value, release } = await acquire(`vad:${device}`, async () => (await createModelSession('silero-vad', { device, intraOpThreads: 1 })).session, (s) => s.release());
  return { session: value, release };
}

/** Release every model nobody holds now (tests, or an app freeing memory); returns how many. */
export async function releaseIdleCaptionModels(): Promise<number> {
  const idle = [...entries].filter(([, e]) => e.users === 0);
  await Promise.all(idle.map(([k, e]) => drop(k, e)));
  return idle.length;
}

/** Change how long unused models stay loaded (ms); 0 releases them as soon as they are free. */
export function setCaptionModelIdleTime(ms: number): void {
  idleMs = Math.max(0, ms);
}

/** Keys of the models loaded now, with their user counts (for tests). */
export function loadedCaptionModels(): { key: string; users: number }[] {
  return [...entries].map(([key, e]) => ({ key, users: e.users }));
}
