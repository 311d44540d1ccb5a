/** zod schemas for everything a UI sends the engine: nothing from a renderer or browser is trusted. */
import { z } from 'zod';
import type { Device } from '../models/session.js';

const strength = z.number().min(0).max(1);
export const PathArg = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'no NUL bytes');
export const JobIdArg = z.string().regex(/^[a-z0-9-]{1,64}$/);
const seconds = z.number().min(0).max(1e7);
/** core/models/session.ts's DEVICES, spelled out: importing it would load onnxruntime wherever requests are checked. */
const DEVICE_IDS = ['cpu', 'cuda', 'coreml', 'dml'] as const satisfies readonly Device[];

export const CueSchema = z
  .object({
    start: seconds,
    end: seconds,
    lines: z.array(z.string().max(500)).max(6),
    words: z.array(z.object({ text: z.string().max(200), start: seconds, end: seconds, confidence: z.number().min(0).max(1).optional() }).strict()).max(500).optional(),
  })
  .strict()
  .refine((c) => c.end >= c.start, 'a cue ends after it starts');
export const CuesArg = z.array(CueSchema).max(20_000);

const stageFields = {
  stabilize: strength.optional(),
  stabilizeCamera: z.enum(['smooth-motion', 'steady', 'tripod']).optional(),
  denoiseVideo: strength.optional(),
  denoiseVideoKeepGrain: z.boolean().optional(),
  denoiseAudio: strength.optional(),
  loudnorm: z.boolean().optional(),
};

export const ExportJobSchema = z
  .object({
    input: PathArg,
    output: PathArg,
    ...stageFields,
    captions: z.array(z.enum(['srt', 'vtt', 'burn', 'track'])).max(4).optional(),
    cues: CuesArg.optional(),
    codec: z.enum(['h264', 'h265', 'vp9']).optional(),
    crf: z.number().int().min(0).max(63).optional(),
    speed: z.enum(['ultrafast', 'veryfast', 'fast', 'medium', 'slow']).optional(),
    device: z.enum(DEVICE_IDS).optional(),
    overwrite: z.boolean().optional(),
    keepBoth: z.boolean().optional(),
  })
  .strict();

export const PreviewJobSchema = z
  .object({ input: PathArg, start: seconds, duration: z.number().min(0.5).max(10), ...stageFields, captions: z.boolean().optional(), previewId: JobIdArg.optional() })
  .strict();

export const ThumbnailsArgs = z.tuple([PathArg, z.number().int().min(1).max(48)]);
export const WaveformArgs = z.tuple([PathArg, z.number().int().min(16).max(4000)]);
export const SaveCaptionsArgs = z.tuple([PathArg, CuesArg, z.enum(['srt', 'vtt'])]);
export const PathsArg = z.array(PathArg).min(1).max(200);

export class InputError extends Error {}

/** Parse or throw an InputError whose message says what was wrong. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(`Invalid request: ${r.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  return r.data;
}
