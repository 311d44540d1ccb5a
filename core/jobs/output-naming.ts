/**
 * Output names from a preset's naming template ("{name}_clean.{ext}"), the extension a preset
 * writes for an input, and the pattern that recognises our own outputs so a watcher skips them.
 */
import path from 'node:path';
import { UsageError } from '../common/errors.js';
import type { Preset } from '../presets/presets.js';

const VIDEO_OUT = new Set(['mp4', 'm4v', 'mov', 'mkv', 'webm']);
const AUDIO_OUT = new Set(['wav', 'm4a', 'mp3', 'flac', 'ogg', 'opus']);

/** Extension (no dot) of the output for `input` under `preset`: the input's own when it can hold the result. */
export function outputExtension(input: string, preset: Preset): string {
  const ext = path.extname(input).slice(1).toLowerCase();
  const codec = preset.encoder.codec;
  if (AUDIO_OUT.has(ext)) return ext;
  if (codec === 'ffv1') return 'mkv';
  if (codec === 'vp9') return ext === 'webm' || ext === 'mkv' ? ext : 'webm';
  if (codec === 'prores') return ext === 'mov' || ext === 'mkv' ? ext : 'mov';
  if (codec === 'h264' || codec === 'h265') return ext === 'webm' ? 'mp4' : VIDEO_OUT.has(ext) ? ext : 'mp4';
  // No codec: the video may be copied, so keep a container that takes the source's codec.
  return VIDEO_OUT.has(ext) ? ext : ext === 'avi' || ext === 'mts' || ext === 'm2ts' || ext === 'ts' || ext === 'mxf' ? 'mkv' : 'mp4';
}

/** Check a template: it must use {name} and end in .{ext} so outputs are recognisable. */
export function checkNamingTemplate(template: string): void {
  if (!template.includes('{name}') || !template.endsWith('.{ext}') || /[/\\]/.test(template)) {
    throw new UsageError(`The naming template "${template}" must contain {name}, end with .{ext} and name a file, not a folder (e.g. "{name}_clean.{ext}").`);
  }
}

/** "{name}_clean.{ext}" applied to /in/a/clip.MOV -> "clip_clean.mov". */
export function applyNamingTemplate(template: string, input: string, ext: string): string {
  checkNamingTemplate(template);
  const name = path.basename(input, path.extname(input));
  return template.replaceAll('{name}', name).replaceAll('{ext}', ext);
}

/**
 * Where an export goes when no output is named: next to the input, named by the preset's template
 * ("clip.MOV" -> "clip_clean.mov"), the extension the preset writes for that input. A name that is
 * taken gets "-2", "-3", ... unless `overwrite` asks to replace it; the input itself is never the
 * answer, whatever the template.
 */
export function defaultOutputPath(input: string, preset: Preset, opts: { overwrite?: boolean; exists: (file: string) => boolean }): string {
  const file = path.join(path.dirname(input), applyNamingTemplate(preset.naming, input, outputExtension(input, preset)));
  // Compared without case: on macOS and Windows "clip.MOV" and "clip.mov" are one file.
  const same = (f: string): boolean => path.resolve(f).toLowerCase() === path.resolve(input).toLowerCase();
  return firstFreeName(file, (f) => same(f) || (!opts.overwrite && opts.exists(f)));
}

/** A name with "-2", "-3", ... before the extension, for when the plain one is taken. */
export function numberedName(file: string, n: number): string {
  if (n <= 1) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${n}${ext}`;
}

/** `file`, or the first of its "-2", "-3", ... names that `taken` does not claim. */
export function firstFreeName(file: string, taken: (candidate: string) => boolean): string {
  let candidate = file;
  for (let n = 2; taken(candidate); n++) candidate = numberedName(file, n);
  return candidate;
}

/** Matches file names that this template produces (also numbered ones), so they are never re-processed. */
export function namingPattern(template: string): RegExp {
  checkNamingTemplate(template);
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const [before, after] = template.slice(0, -'.{ext}'.length).split('{name}');
  return new RegExp(`^${esc(before)}.+${esc(after ?? '')}(-\\d+)?\\.[A-Za-z0-9]+$`, 'i');
}
