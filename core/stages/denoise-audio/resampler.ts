/**
 * Band-limited resampling of whole mono blocks in TypeScript: a Kaiser-windowed sinc, evaluated as
 * a polyphase table (one filter per output phase of the rational ratio). Zero delay: output sample
 * k sits at input time k * inRate / outRate exactly, so a down-and-up round trip stays aligned
 * with the original (A/V sync of the denoise stage depends on it).
 *
 * Why not ffmpeg: the stage resamples blocks of PCM it already holds in memory; a second ffmpeg
 * per block would cost a process spawn and a pipe round trip for ~2 M multiply-adds per second of
 * audio. Design after J. O. Smith, "Digital Audio Resampling" (ccrma.stanford.edu/~jos/resample).
 */

/** Zero crossings of the sinc on each side (filter half-length in units of the cutoff period). */
const ZERO_CROSSINGS = 16;
/** Kaiser beta: ~ -85 dB stop band (Kaiser's formula, beta = 0.1102 (A - 8.7)). */
const KAISER_BETA = 8.5;
/** Cutoff as a fraction of the lower Nyquist frequency (the rest is the transition band). */
const ROLLOFF = 0.92;
/** Above this many phases the phase is quantised (timing error < 1/8192 input sample). */
const MAX_PHASES = 8192;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

interface Polyphase {
  /** Input samples per output sample, as the reduced fraction step = num / den. */
  num: number;
  den: number;
  phases: number;
  /** Taps per phase; tap j of phase p weighs input sample floor(t) - half + 1 + j. */
  taps: number;
  half: number;
  table: Float32Array;
}

const cache = new Map<string, Polyphase>();

function polyphase(inRate: number, outRate: number): Polyphase {
  const key = `${inRate}:${outRate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const g = gcd(inRate, outRate);
  const num = inRate / g;
  const den = outRate / g;
  const phases = Math.min(den, MAX_PHASES);
  // Cutoff in cycles per input sample: below the lower of the two Nyquist frequencies.
  const fc = 0.5 * Math.min(1, outRate / inRate) * ROLLOFF;
  const half = Math.ceil(ZERO_CROSSINGS / (2 * fc));
  const taps = 2 * half;
  const table = new Float32Array(phases * taps);
  const i0b = besselI0(KAISER_BETA);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    let sum = 0;
    const row = new Float64Array(taps);
    for (let j = 0; j < taps; j++) {
      const t = j - half + 1 - frac; // input sample position minus the output instant
      const x = 2 * fc * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = t / half;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0b;
      row[j] = 2 * fc * sinc * w;
      sum += row[j]!;
    }
    // Unit DC gain in every phase, so a constant stays exactly constant.
    for (let j = 0; j < taps; j++) table[p * taps + j] = row[j]! / sum;
  }
  const pp = { num, den, phases, taps, half, table };
  cache.set(key, pp);
  return pp;
}

/** Output length that covers the same duration: ceil(n * outRate / inRate). */
export function resampledLength(n: number, inRate: number, outRate: number): number {
  return Math.ceil((n * outRate) / inRate - 1e-9);
}

/**
 * Resample a mono block. Samples outside the block count as zero. `outLength` defaults to
 * resampledLength(); pass the original length to come back exactly after a round trip.
 */
export function resample(input: Float32Array, inRate: number, outRate: number, outLength = resampledLength(input.length, inRate, outRate)): Float32Array {
  if (inRate === outRate) {
    const out = new Float32Array(outLength);
    out.set(input.subarray(0, Math.min(outLength, input.length)));
    return out;
  }
  const { num, den, phases, taps, half, table } = polyphase(inRate, outRate);
  const out = new Float32Array(outLength);
  const n = input.length;
  for (let k = 0; k < outLength; k++) {
    // Exact rational position k * num / den = base + rem / den.
    const pos = k * num;
    const base = Math.floor(pos / den);
    const rem = pos - base * den;
    let p = phases === den ? rem : Math.round((rem / den) * phases);
    let b = base;
    if (p === phases) {
      p = 0;
      b += 1;
    }
    const first = b - half + 1;
    const row = p * taps;
    let acc = 0;
    const j0 = Math.max(0, -first);
    const j1 = Math.min(taps, n - first);
    for (let j = j0; j < j1; j++) acc += table[row + j]! * input[first + j]!;
    out[k] = acc;
  }
  return out;
}
