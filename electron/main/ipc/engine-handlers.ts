/**
 * IPC handlers as a plain module: validation and path rules live here so tests can call the
 * handlers directly, without Electron. The engine itself runs in the utility process, which
 * checks the same rules again (core/serve/api-routes.ts).
 */
import { z } from 'zod';
import { CHANNELS } from '../../common/api.js';
import { AllowedPaths } from '../allowed-paths.js';
import { openForUser } from '../open-files.js';
import type { RecentFiles } from '../recent-files.js';
import { CuesArg, DroppedPathsArg, ExportJobRequestSchema, JobIdArg, PathArg, PreviewJobSchema } from './validation.js';

/** What the handlers need from the engine host (a utility process in the app, a fake in tests). */
export interface EngineHost {
  call(method: string, args: unknown[]): Promise<unknown>;
}

export class IpcInputError extends Error {}

export function createEngineHandlers(deps: {
  host: EngineHost;
  allowed: AllowedPaths;
  pickClips: () => Promise<string[]>;
  pickFolder: () => Promise<string | null>;
  reveal: (path: string) => void;
  /** Opened clips and folders are remembered here (File ▸ Open Recent). */
  recent?: RecentFiles;
  /** Tests name folders without touching the disk. */
  isFolder?: (p: string) => Promise<boolean>;
}): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const { host, allowed } = deps;
  const open = (paths: string[]) => openForUser(paths, { host, allowed, recent: deps.recent, isFolder: deps.isFolder });
  const parse = <T>(schema: z.ZodType<T>, value: unknown): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new IpcInputError(`Invalid request: ${r.error.message}`);
    return r.data;
  };
  const readable = (p: unknown): string => {
    const file = parse(PathArg, p);
    if (!allowed.isAllowed(file)) throw new IpcInputError('That file was not opened by the user.');
    return file;
  };
  const writable = (p: string): void => {
    if (!allowed.isAllowedOutput(p)) throw new IpcInputError('The output must go next to the input or into a folder the user picked.');
  };
  const count = (min: number, max: number) => z.number().int().min(min).max(max);
  return {
    [CHANNELS.info]: () => host.call('info', []),
    [CHANNELS.pickClips]: async () => {
      const picked = await deps.pickClips();
      return picked.length ? open(picked) : [];
    },
    // Dropped files and folders: the user chose them as surely as in a dialog.
    [CHANNELS.openDropped]: async (paths) => open(parse(DroppedPathsArg, paths)),
    [CHANNELS.pickOutputFolder]: async () => {
      const dir = await deps.pickFolder();
      if (!dir) return null;
      allowed.allowFolder(dir);
      return host.call('pickOutputFolder', [dir]);
    },
    [CHANNELS.probe]: async (p) => host.call('probe', [readable(p)]),
    [CHANNELS.thumbnails]: async (p, n) => host.call('thumbnails', [readable(p), parse(count(1, 48), n)]),
    [CHANNELS.waveform]: async (p, n) => host.call('waveform', [readable(p), parse(count(16, 4000), n)]),
    [CHANNELS.renderPreview]: async (req) => {
      const r = parse(PreviewJobSchema, req);
      readable(r.input);
      return host.call('renderPreview', [r]);
    },
    [CHANNELS.startExport]: async (req) => {
      const request = parse(ExportJobRequestSchema, req);
      if (!allowed.isAllowed(request.input)) throw new IpcInputError('The input was not opened by the user.');
      writable(request.output);
      return host.call('startExport', [request]);
    },
    [CHANNELS.startTranscribe]: async (p) => host.call('startTranscribe', [readable(p)]),
    [CHANNELS.readTranscript]: async (id) => host.call('readTranscript', [parse(JobIdArg, id)]),
    [CHANNELS.saveCaptions]: async (out, cues, format) => {
      const file = parse(PathArg, out);
      writable(file);
      const saved = parse(PathArg, await host.call('saveCaptions', [file, parse(CuesArg, cues), parse(z.enum(['srt', 'vtt']), format)]));
      // The engine may have numbered the name to keep an existing file.
      allowed.allowFile(saved);
      return saved;
    },
    [CHANNELS.cancelJob]: async (id) => host.call('cancelJob', [parse(JobIdArg, id)]),
    [CHANNELS.revealInFolder]: async (p) => {
      const file = readable(p);
      deps.reveal(file);
      return { opened: true, folder: file.replace(/[/\\][^/\\]*$/, '') };
    },
  };
}
