/** zod schemas for every IPC argument: nothing from the renderer is trusted. Shared with `clearcut serve`. */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { PathArg } from '../../../core/serve/schemas.js';

export { CuesArg, ExportJobSchema as ExportJobRequestSchema, JobIdArg, PathArg, PreviewJobSchema } from '../../../core/serve/schemas.js';

/** Paths of files and folders dropped on the window (the preload turned each File into its path). */
export const DroppedPathsArg = z.array(PathArg.refine((p) => isAbsolute(p), 'must be an absolute path')).min(1).max(1000);
