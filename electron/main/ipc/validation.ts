/** zod schemas for every IPC argument: nothing from the renderer is trusted. Shared with `clearcut serve`. */
export { CuesArg, ExportJobSchema as ExportJobRequestSchema, JobIdArg, PathArg, PreviewJobSchema } from '../../../core/serve/schemas.js';
