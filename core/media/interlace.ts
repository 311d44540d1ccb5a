/**
 * Interlaced sources (camcorders, DV, broadcast captures). Pixel stages get progressive frames
 * (the frame reader deinterlaces); a plain re-encode keeps the fields where the codec can code
 * them, and otherwise deinterlaces rather than write combed pictures flagged as progressive.
 */
import type { VideoCodec } from './formats.js';
import { bottomFieldFirst, isInterlaced, type VideoStreamInfo } from './media-info.js';

/** bwdif, one output frame per input frame (timing unchanged); frames flagged progressive pass as they are. */
export const DEINTERLACE_FILTER = 'bwdif=mode=send_frame:parity=auto:deint=interlaced';

/** Codecs whose encoders here code interlaced pictures as fields: x264 (PAFF/MBAFF), ProRes, FFV1 (stores frames as they are). */
const FIELD_CODECS: ReadonlySet<VideoCodec> = new Set(['h264', 'prores', 'ffv1']);

export type InterlacePlan = { kind: 'progressive' } | { kind: 'keep'; args: string[] } | { kind: 'deinterlace'; filter: string };

/** What an ffmpeg that decodes the source itself does with its fields when encoding to `codec`. */
export function interlacePlan(v: VideoStreamInfo | undefined, codec: VideoCodec): InterlacePlan {
  if (!v || !isInterlaced(v)) return { kind: 'progressive' };
  if (!FIELD_CODECS.has(codec)) return { kind: 'deinterlace', filter: DEINTERLACE_FILTER };
  const order = bottomFieldFirst(v) ? 'bb' : 'tt';
  const flags = codec === 'h264' ? ['-flags', '+ildct+ilme'] : codec === 'prores' ? ['-flags', '+ildct'] : [];
  return { kind: 'keep', args: [...flags, '-field_order', order] };
}

/** For notes: "interlaced (top field first)". */
export function interlaceLabel(v: VideoStreamInfo): string {
  return `interlaced (${bottomFieldFirst(v) ? 'bottom' : 'top'} field first)`;
}
