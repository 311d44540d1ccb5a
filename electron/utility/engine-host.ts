/**
 * Utility process entry: runs the engine (ffmpeg, ONNX inference) away from the main process, so a
 * native crash there fails a job instead of the app. It hosts the same EngineService and API table
 * as `clearcut serve`, so the app's exports are jobs of the persistent queue (`clearcut jobs`).
 * Messages: { id, method, args } in; { id, ok, value | error } or { event } out.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toClearcutError } from '../../core/common/errors.js';
import { killAllMediaProcesses } from '../../core/media/ffmpeg-process.js';
import { API_ROUTES } from '../../core/serve/api-routes.js';
import { EngineService } from '../../core/serve/engine-service.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: { id: string; method: string; args: unknown[] } }) => void): void;
  postMessage(message: unknown): void;
}
const port = (process as unknown as { parentPort: ParentPort }).parentPort;
// The main process names the work folder (previews, transcripts) so its media protocol may serve it.
const engine = new EngineService(process.argv[2] ?? mkdtempSync(path.join(os.tmpdir(), 'clearcut-app-')), 'electron');
engine.onJobEvent((event) => port.postMessage({ event }));

port.on('message', ({ data }) => {
  const { id, method, args } = data;
  const route = API_ROUTES[method];
  const work = route ? route(engine, args) : Promise.reject(new Error(`Unknown engine method ${method}`));
  void work.then(
    (value) => port.postMessage({ id, ok: true, value }),
    (e) => port.postMessage({ id, ok: false, error: toClearcutError(e).message }),
  );
});

process.on('exit', () => killAllMediaProcesses());
// Jobs are in the persistent queue: on a normal stop a running export goes back to the queue
// without spending a try, and runs when the app starts again.
process.once('SIGTERM', () => void engine.shutdown().finally(() => process.exit(0)));
