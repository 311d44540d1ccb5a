/** zod schemas for every IPC argument: nothing from the renderer is trusted. */
import { z } from 'zod';

const strength = z.number().min(0).max(1);
export const PathArg = z.string().min(1).max(4096);

export const ExportJobRequestSchema = z
  .object({
    input: PathArg,
    output: PathArg,
    stabilize: strength.optional(),
    denoiseVideo: strength.optional(),
    denoiseAudio: strength.optional(),
    captions: z.array(z.enum(['srt', 'vtt', 'burn', 'track'])).max(4).optional(),
    loudnorm: z.boolean().optional(),
    overwrite: z.boolean().optional(),
  })
  .strict();

export const JobIdArg = z.string().regex(/^[a-z0-9-]{1,64}$/);
