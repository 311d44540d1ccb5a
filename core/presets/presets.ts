/**
 * Named presets: stage settings, encoder and naming template, validated with zod. Built-in presets
 * cover common needs; a user preset is a JSON file of the same shape.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../common/errors.js';
import { VIDEO_CODECS } from '../media/formats.js';
import { CAPTION_TARGETS, STABILIZE_CAMERAS } from '../stages/index.js';

const strength = z.number().min(0).max(1);

export const PresetSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    stages: z
      .object({
        stabilize: strength.optional(),
        /** 'smooth-motion' keeps slow sway and drift, 'steady' holds still between pans, 'tripod' locks the camera (CLI --smooth-motion, --no-smooth-motion, --tripod); absent: chosen from the clip. */
        stabilizeCamera: z.enum(STABILIZE_CAMERAS as [string, ...string[]]).optional(),
        denoiseVideo: strength.optional(),
        /** false: denoise video to a grain-free look instead of keeping the clip's own grain (CLI --no-keep-grain). */
        denoiseVideoKeepGrain: z.boolean().optional(),
        denoiseAudio: strength.optional(),
        captions: z.array(z.enum(CAPTION_TARGETS as [string, ...string[]])).optional(),
        loudnorm: z.union([z.boolean(), z.object({ integrated: z.number().min(-70).max(-5) })]).optional(),
      })
      .strict()
      .default({}),
    encoder: z
      .object({
        codec: z.enum(VIDEO_CODECS as [string, ...string[]]).optional(),
        crf: z.number().min(0).max(63).optional(),
        speed: z.string().optional(),
      })
      .strict()
      .default({}),
    /** Output name template: {name} is the input's base name, {ext} the output extension. */
    naming: z.string().default('{name}_clean.{ext}'),
  })
  .strict();

export type Preset = z.infer<typeof PresetSchema>;

export const BUILTIN_PRESETS: Preset[] = [
  PresetSchema.parse({ name: 'default', description: 'Re-encode as H.264, keep everything else', stages: {} }),
  PresetSchema.parse({ name: 'podcast', description: 'Loudness to -16 LUFS for spoken content', stages: { loudnorm: true } }),
  PresetSchema.parse({ name: 'phone-vlog', description: 'Stabilize, clean speech, burn in captions', stages: { stabilize: 0.6, denoiseAudio: 0.8, captions: ['burn'], loudnorm: true } }),
  PresetSchema.parse({ name: 'interview', description: 'Clean speech, loudness, captions as SRT', stages: { denoiseAudio: 0.8, captions: ['srt'], loudnorm: true } }),
  PresetSchema.parse({ name: 'archive', description: 'Lossless FFV1 in MKV', stages: {}, encoder: { codec: 'ffv1' } }),
];

/** A built-in preset by name, or a preset JSON file by path. */
export function loadPreset(nameOrPath: string): Preset {
  const builtin = BUILTIN_PRESETS.find((p) => p.name === nameOrPath);
  if (builtin) return builtin;
  if (/\.json$/i.test(nameOrPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(nameOrPath, 'utf8'));
    } catch (e) {
      throw new UsageError(`Cannot read preset ${nameOrPath}: ${(e as Error).message}`, { file: nameOrPath });
    }
    const parsed = PresetSchema.safeParse(raw);
    if (!parsed.success) throw new UsageError(`Preset ${nameOrPath} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { file: nameOrPath });
    return parsed.data;
  }
  throw new UsageError(`No preset named "${nameOrPath}". Built-in presets: ${BUILTIN_PRESETS.map((p) => p.name).join(', ')}; or give a path to a .json preset.`);
}
