/**
 * The web bridge's API table: one POST route per EngineApi method, each argument list checked with
 * zod before the engine sees it. Kept apart from the HTTP plumbing so tests can call it directly.
 */
import { z } from 'zod';
import type { EngineService } from './engine-service.js';
import { ExportJobSchema, JobIdArg, parseInput, PathArg, PathsArg, PreviewJobSchema, SaveCaptionsArgs, ThumbnailsArgs, WaveformArgs } from './schemas.js';

const none = z.tuple([]);
const one = <T extends z.ZodType>(t: T) => z.tuple([t]);

export type ApiRoute = (engine: EngineService, args: unknown) => Promise<unknown>;

export const API_ROUTES: Record<string, ApiRoute> = {
  info: async (e, a) => (parseInput(none, a), e.info()),
  openPaths: async (e, a) => e.openPaths(parseInput(one(PathsArg), a)[0]),
  listFolder: async (e, a) => e.listFolder(parseInput(one(PathArg), a)[0]),
  pickOutputFolder: async (e, a) => e.pickOutputFolder(parseInput(one(PathArg), a)[0]),
  probe: async (e, a) => e.probe(parseInput(one(PathArg), a)[0]),
  thumbnails: async (e, a) => e.thumbnails(...parseInput(ThumbnailsArgs, a)),
  waveform: async (e, a) => e.waveform(...parseInput(WaveformArgs, a)),
  renderPreview: async (e, a) => e.renderPreview(parseInput(one(PreviewJobSchema), a)[0]),
  startExport: async (e, a) => e.startExport(parseInput(one(ExportJobSchema), a)[0]),
  startTranscribe: async (e, a) => ({ jobId: await e.startTranscribe(parseInput(one(PathArg), a)[0]) }),
  readTranscript: async (e, a) => e.readTranscript(parseInput(one(JobIdArg), a)[0]),
  saveCaptions: async (e, a) => e.saveCaptions(...parseInput(SaveCaptionsArgs, a)),
  cancelJob: async (e, a) => e.cancelJob(parseInput(one(JobIdArg), a)[0]),
  revealInFolder: async (e, a) => e.revealInFolder(parseInput(one(PathArg), a)[0]),
};
