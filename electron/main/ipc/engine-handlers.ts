/**
 * IPC handlers as a plain module: validation and path rules live here so tests can call the
 * handlers directly, without Electron. The engine itself runs outside the main process.
 */
import { AllowedPaths } from '../allowed-paths.js';
import type { ClipInfo, EngineInfo, ExportJobRequest, JobEvent } from '../../common/api.js';
import { CHANNELS } from '../../common/api.js';
import { ExportJobRequestSchema, JobIdArg, PathArg } from './validation.js';

/** What the handlers need from the engine host (a utility process in the app, a fake in tests). */
export interface EngineHost {
  info(): Promise<EngineInfo>;
  probe(path: string): Promise<ClipInfo>;
  startExport(jobId: string, request: ExportJobRequest, onEvent: (e: JobEvent) => void): void;
  cancelExport(jobId: string): void;
}

export class IpcInputError extends Error {}

export function createEngineHandlers(deps: {
  host: EngineHost;
  allowed: AllowedPaths;
  pickClips: () => Promise<string[]>;
  emit: (event: JobEvent) => void;
  newJobId: () => string;
}): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const { host, allowed } = deps;
  const parse = <T>(schema: { safeParse: (x: unknown) => { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new IpcInputError(`Invalid request: ${r.error.message}`);
    return r.data;
  };
  return {
    [CHANNELS.info]: () => host.info(),
    [CHANNELS.pickClips]: async () => {
      const picked = await deps.pickClips();
      picked.forEach((p) => allowed.allowFile(p));
      return picked;
    },
    [CHANNELS.probe]: async (p) => {
      const file = parse(PathArg, p);
      if (!allowed.isAllowed(file)) throw new IpcInputError('That file was not opened by the user.');
      return host.probe(file);
    },
    [CHANNELS.startExport]: async (req) => {
      const request = parse(ExportJobRequestSchema, req);
      if (!allowed.isAllowed(request.input)) throw new IpcInputError('The input was not opened by the user.');
      if (!allowed.isAllowedOutput(request.output)) throw new IpcInputError('The output must go next to the input or into a folder the user picked.');
      const jobId = deps.newJobId();
      host.startExport(jobId, request, deps.emit);
      return { jobId };
    },
    [CHANNELS.cancelExport]: async (id) => {
      host.cancelExport(parse(JobIdArg, id));
    },
  };
}
