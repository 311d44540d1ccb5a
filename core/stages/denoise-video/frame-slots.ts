/**
 * The network's input for the last five frames in one buffer, each frame stored twice (slot j mod 5
 * and the same slot five further on), so any five consecutive frames are one contiguous run: the
 * network reads them in place instead of from a 60-plane copy made for every frame.
 */
import { WINDOW } from './denoiser.js';

export class FrameSlots {
  private readonly buffer: Float32Array;

  /** Floats a FrameSlots of frames of `size` floats holds. */
  static floats(size: number): number {
    return 2 * WINDOW * size;
  }

  /**
   * `size`: floats per converted frame (color.ts unshuffledTarget: 3 × its plane); `buffer`: where
   * they live (FrameSlots.floats(size) floats; a new array by default).
   */
  constructor(
    private readonly size: number,
    buffer?: Float32Array,
  ) {
    this.buffer = buffer ?? new Float32Array(FrameSlots.floats(size));
  }

  /** Where frame `j` is converted to. Frame j + WINDOW reuses it. */
  slot(j: number): Float32Array {
    const at = (j % WINDOW) * this.size;
    return this.buffer.subarray(at, at + this.size);
  }

  /** Call once frame `j` is in its slot: copies it to its second place. */
  commit(j: number): void {
    const at = (j % WINDOW) * this.size;
    this.buffer.copyWithin(at + WINDOW * this.size, at, at + this.size);
  }

  /** Frames first .. first + WINDOW - 1 (all committed and still held) as one view. */
  run(first: number): Float32Array {
    const at = (first % WINDOW) * this.size;
    return this.buffer.subarray(at, at + WINDOW * this.size);
  }
}
