/**
 * Sequential reader of ncnn's weight file (.bin). Layers read their arrays in network order:
 * a weight array starts with a 4-byte tag (0x01306B47: fp16 follows, padded to 4 bytes;
 * 0: raw fp32 follows), a bias array is raw fp32 without a tag. Int8 and table-quantised
 * weights are refused rather than guessed.
 */

const TAG_FP16 = 0x01306b47;
const TAG_INT8 = 0x000d4b38;
const TAG_FP32 = 0;

export class NcnnWeightReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A weight array of `count` values, preceded by its storage tag. */
  tagged(count: number): Float32Array {
    this.need(4);
    const tag = this.view.getUint32(this.offset, true);
    this.offset += 4;
    if (tag === TAG_FP16) {
      const out = new Float32Array(count);
      this.need(count * 2);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(this.view.getUint16(this.offset + i * 2, true));
      this.offset += align4(count * 2);
      return out;
    }
    if (tag === TAG_FP32) return this.raw(count);
    if (tag === TAG_INT8) throw new Error(`ncnn bin: int8 weights at byte ${this.offset - 4} are not supported`);
    throw new Error(`ncnn bin: unknown weight tag 0x${tag.toString(16)} at byte ${this.offset - 4}`);
  }

  /** A raw fp32 array (biases). */
  raw(count: number): Float32Array {
    this.need(count * 4);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(this.offset + i * 4, true);
    this.offset += count * 4;
    return out;
  }

  /** Throws unless every byte was read: a wrong layer mapping shows up as a size mismatch. */
  expectEnd(): void {
    if (this.offset !== this.bytes.byteLength) throw new Error(`ncnn bin: read ${this.offset} of ${this.bytes.byteLength} bytes`);
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.byteLength) throw new Error(`ncnn bin: needs ${n} bytes at ${this.offset}, file has ${this.bytes.byteLength}`);
  }
}

const align4 = (n: number) => (n + 3) & ~3;

/** IEEE 754 binary16 -> number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
