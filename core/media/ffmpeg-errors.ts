/** Turn a failed ffmpeg run into a typed error that names the file and the reason. */
import { ClearcutError, EngineError, MediaError, OutputError } from '../common/errors.js';

export function classifyFfmpegFailure(stderrTail: string[], ctx: { input: string; output?: string; what: string }): ClearcutError {
  const text = stderrTail.join('\n');
  const lower = text.toLowerCase();
  const reason = stderrTail.filter((l) => l.trim()).slice(-3).join(' | ').slice(0, 400) || 'no message';
  if (lower.includes('no space left on device') || lower.includes('enospc')) {
    return new OutputError('DISK_FULL', `The disk is full: could not finish writing ${ctx.output ?? 'the output'}. Free some space and try again.`, { file: ctx.output });
  }
  if (ctx.output && (lower.includes('permission denied') || lower.includes('read-only file system'))) {
    return new OutputError('OUTPUT_NOT_WRITABLE', `Cannot write ${ctx.output}: ${reason}`, { file: ctx.output });
  }
  if (lower.includes('moov atom not found') || lower.includes('invalid data found') || lower.includes('partial file')) {
    return new MediaError('CORRUPT_MEDIA', `${ctx.input} is damaged or truncated (${reason}).`, { file: ctx.input });
  }
  const undecodable = /Error while decoding stream #\d+:(\d+): ?(.*)/.exec(text);
  if (undecodable) {
    return new MediaError('CORRUPT_MEDIA', `${ctx.input}: stream ${undecodable[1]} cannot be decoded (${undecodable[2] || 'decoder error'}); the file is damaged or uses a variant this ffmpeg cannot read. Run \`clearcut doctor\` to see which ffmpeg is used.`, { file: ctx.input });
  }
  if (lower.includes('unknown encoder') || lower.includes('no such filter') || lower.includes('encoder not found')) {
    return new EngineError('FFMPEG_FEATURE_MISSING', `The ffmpeg in use lacks a feature needed to ${ctx.what}: ${reason}. Run \`clearcut doctor\`.`, { file: ctx.input });
  }
  return new EngineError('FFMPEG_FAILED', `ffmpeg failed to ${ctx.what} for ${ctx.input}: ${reason}`, { file: ctx.input, details: { stderr: stderrTail.slice(-12) } });
}
