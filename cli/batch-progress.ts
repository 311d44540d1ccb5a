/**
 * Progress of a multi-clip export (`clearcut export a.mp4 b.mp4 ...`): which clip is running and the
 * time left for the whole batch, not only for the clip in hand.
 *
 * The batch's time left is the running clip's own ETA plus the media still waiting, timed at the
 * rate the batch has shown so far (wall seconds per second of media, over the clips that finished
 * and the running clip's share done). It is unknown (null) until every waiting clip's duration is
 * known and the running clip has an ETA of its own.
 */
import type { ProgressEvent } from '../core/common/progress.js';

export interface BatchPosition {
  /** 1-based position of the running clip, and how many the batch has. */
  clip: number;
  clips: number;
  input: string;
  /** Seconds left for the whole batch, or null while it cannot be told. */
  batchEta: number | null;
}

export class BatchEta {
  private readonly durations: Array<number | undefined>;
  private readonly started: number;
  /** Seconds of media of the clips that finished (written, not failed). */
  private mediaDone = 0;

  constructor(
    private readonly inputs: string[],
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.durations = inputs.map(() => undefined);
    this.started = now();
  }

  /** A clip's duration in seconds, once known (probed in the background). */
  setDuration(index: number, seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.durations[index] = seconds;
  }

  /** Clip `index` finished; a failed clip counts its wall time but no media. */
  finish(index: number, ok: boolean): void {
    if (ok) this.mediaDone += this.durations[index] ?? 0;
  }

  /** Where the batch stands while clip `index` reports `e`. */
  position(index: number, e: ProgressEvent): BatchPosition {
    return { clip: index + 1, clips: this.inputs.length, input: this.inputs[index], batchEta: this.eta(index, e, this.now() - this.started) };
  }

  private eta(index: number, e: ProgressEvent, elapsed: number): number | null {
    if (e.eta === null) return null;
    const current = this.durations[index];
    const waiting = this.durations.slice(index + 1);
    if (current === undefined || waiting.some((d) => d === undefined)) return null;
    const rest = (waiting as number[]).reduce((a, b) => a + b, 0);
    if (rest === 0) return e.eta;
    const media = this.mediaDone + e.fraction * current;
    // Too little done to know the rate: a clip's first instants are mostly start-up.
    if (media <= 0 || elapsed < 1) return null;
    return Math.round(10 * (e.eta + (rest * elapsed) / media)) / 10;
  }
}
