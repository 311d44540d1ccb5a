/** Scale-invariant signal-to-distortion ratio in dB (Le Roux et al. 2019), zero-mean. */
export function siSdr(estimate: Float32Array, reference: Float32Array): number {
  const n = Math.min(estimate.length, reference.length);
  let me = 0;
  let mr = 0;
  for (let i = 0; i < n; i++) {
    me += estimate[i]!;
    mr += reference[i]!;
  }
  me /= n;
  mr /= n;
  let dot = 0;
  let rr = 0;
  for (let i = 0; i < n; i++) {
    const r = reference[i]! - mr;
    dot += (estimate[i]! - me) * r;
    rr += r * r;
  }
  const alpha = dot / rr;
  let target = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const t = alpha * (reference[i]! - mr);
    const e = estimate[i]! - me - t;
    target += t * t;
    noise += e * e;
  }
  return 10 * Math.log10(target / noise);
}

/** Mix speech and noise at the given SNR (noise is looped or cut to the speech length). */
export function mixAtSnr(speech: Float32Array, noise: Float32Array, snrDb: number): Float32Array {
  let ps = 0;
  let pn = 0;
  for (let i = 0; i < speech.length; i++) {
    const v = noise[i % noise.length]!;
    ps += speech[i]! * speech[i]!;
    pn += v * v;
  }
  const gain = Math.sqrt(ps / (pn * 10 ** (snrDb / 10)));
  const out = new Float32Array(speech.length);
  for (let i = 0; i < speech.length; i++) out[i] = speech[i]! + gain * noise[i % noise.length]!;
  return out;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Read a 16-bit PCM mono WAV into floats in [-1, 1). */
export function decodeWavPcm16(bytes: Uint8Array): { sampleRate: number; samples: Float32Array } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let pos = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (pos + 8 <= bytes.length) {
    const id = tag(pos);
    const size = dv.getUint32(pos + 4, true);
    if (id === 'fmt ') {
      channels = dv.getUint16(pos + 10, true);
      sampleRate = dv.getUint32(pos + 12, true);
      bits = dv.getUint16(pos + 22, true);
    } else if (id === 'data') {
      if (channels !== 1 || bits !== 16) throw new Error(`expected mono 16-bit PCM, got ${channels} ch ${bits} bit`);
      const n = Math.floor(Math.min(size, bytes.length - pos - 8) / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = dv.getInt16(pos + 8 + 2 * i, true) / 32768;
      return { sampleRate, samples };
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error('WAV without data chunk');
}
