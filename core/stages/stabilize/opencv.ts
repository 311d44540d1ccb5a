/**
 * Loads OpenCV compiled to WebAssembly (@techstark/opencv-js) once per process.
 *
 * The module object is a thenable whose `then` never settles in Node, so it must not be awaited or
 * passed to a Promise's resolve (both hang, ../shared/MODELS.md); we poll for the runtime instead
 * and hand it back wrapped in a plain object.
 */
import { createRequire } from 'node:module';

// opencv-js ships no usable types for this build; the few calls we make are typed at the call site.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenCv = any;

let loading: Promise<{ cv: OpenCv }> | undefined;

/**
 * The OpenCV runtime, wrapped: `(await loadOpenCv()).cv`. Never return the bare module from an
 * async function either; that adopts its `then` too.
 */
export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= new Promise((resolve, reject) => {
    const require = createRequire(import.meta.url);
    let mod: OpenCv;
    // Emscripten's Node glue installs process-wide uncaughtException / unhandledRejection handlers
    // (the latter aborts the runtime, and both print the whole 10 MB script). They are not ours to
    // install: take them off again.
    const before = { exc: process.listeners('uncaughtException'), rej: process.listeners('unhandledRejection') };
    try {
      mod = require('@techstark/opencv-js');
    } catch (e) {
      reject(e);
      return;
    } finally {
      for (const l of process.listeners('uncaughtException')) if (!before.exc.includes(l)) process.off('uncaughtException', l);
      for (const l of process.listeners('unhandledRejection')) if (!before.rej.includes(l)) process.off('unhandledRejection', l);
    }
    const started = Date.now();
    const poll = (): void => {
      if (mod.Mat) resolve({ cv: mod });
      else if (Date.now() - started > 60_000) reject(new Error('OpenCV (WebAssembly) did not initialise within 60 s'));
      else setTimeout(poll, 5);
    };
    poll();
  });
  return loading;
}
