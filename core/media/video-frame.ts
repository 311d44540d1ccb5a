import type { Rational } from './media-info.js';
import type { RawFormat } from './pixel-formats.js';

/** One decoded picture, planes packed back to back in `format`'s plane order. */
export interface VideoFrame {
  data: Buffer;
  /** Presentation time in `FrameStreamInfo.timeBase` ticks, relative to the file's start. */
  pts: number;
  /** 0-based index in decode (presentation) order. */
  index: number;
  /**
   * Hand the buffer back to the reader's pool once nobody will read it again. The final consumer
   * (the encoder) calls it after the bytes reached ffmpeg; reusing buffers avoids allocating and
   * page-faulting a fresh 3 MB per 1080p frame. A stage that keeps a frame after yielding it must
   * copy the data; a stage that replaces a frame may release the old one.
   */
  release?: () => void;
}

/** What every frame of a stream shares. */
export interface FrameStreamInfo {
  width: number;
  height: number;
  format: RawFormat;
  timeBase: Rational;
  /** Nominal frame duration in ticks, used when a timestamp must be extrapolated. */
  frameDuration: number;
  sampleAspectRatio?: Rational;
  /** Frames expected (from the probe); progress uses it as the total. */
  expectedFrames: number;
}

/** A stream of frames: the shared facts plus the frames themselves. */
export interface FrameStream {
  info: FrameStreamInfo;
  frames: AsyncIterable<VideoFrame>;
}
