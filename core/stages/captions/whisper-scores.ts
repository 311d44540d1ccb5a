/**
 * Per-token log-probabilities of the returned hypothesis, recovered from the `scores` output of
 * onnxruntime's (Whisper)BeamSearch op.
 *
 * `scores` is [steps, batch=1, beams, vocab]: at step t, scores[t][b][v] is the cumulative
 * log-probability of beam b plus log p(v | beam b), after the logits processors. Beams are not
 * tracked in the output, so the beam holding the hypothesis' prefix is found again the way the
 * op orders them: the beams of step t are the best non-<|endoftext|> candidates of step t-1, in
 * descending score, among its top 2*beams. The prefix's beam is the one whose cumulative score
 * equals the prefix's (the same float, so an exact compare). The sum of the recovered values
 * equals `sequences_scores * length` (length penalty 1), which the tests check.
 */

/** Indexes of the k largest values of `a[from..to)` (k small), by descending value. */
function topK(a: Float32Array, from: number, to: number, k: number): number[] {
  const idx: number[] = [];
  for (let i = from; i < to; i++) {
    const v = a[i]!;
    if (idx.length === k && v <= a[idx[k - 1]!]!) continue;
    let j = idx.length < k ? idx.length : k - 1;
    while (j > 0 && a[idx[j - 1]!]! < v) j--;
    idx.splice(j, 0, i);
    if (idx.length > k) idx.pop();
  }
  return idx;
}

/**
 * @param scores    flat `scores` output
 * @param numBeams  beams used for the run
 * @param vocabSize vocabulary size (last dim)
 * @param generated tokens after the prompt (up to and including <|endoftext|> if present)
 * @param eot       the <|endoftext|> id (finished hypotheses never continue as beams)
 * @returns log-probabilities aligned with `generated`; NaN from the first step that could not be
 *          matched (should not happen; callers then report no confidence)
 */
export function hypothesisLogprobs(
  scores: Float32Array,
  numBeams: number,
  vocabSize: number,
  generated: ArrayLike<number>,
  eot: number,
): Float64Array {
  const stepSize = numBeams * vocabSize;
  const steps = Math.min(generated.length, Math.floor(scores.length / stepSize));
  const out = new Float64Array(generated.length).fill(Number.NaN);
  let cum = 0;
  let beam = 0; // step 0: every beam holds the prompt; beam 0 is the live one
  for (let t = 0; t < steps; t++) {
    if (t > 0) {
      const prev = (t - 1) * stepSize;
      const candidates = topK(scores, prev, prev + stepSize, 2 * numBeams)
        .filter((i) => (i - prev) % vocabSize !== eot)
        .slice(0, numBeams);
      beam = candidates.findIndex((i) => scores[i] === cum);
      if (beam < 0) break;
    }
    const next = scores[t * stepSize + beam * vocabSize + generated[t]!]!;
    out[t] = next - cum;
    cum = next;
  }
  return out;
}
