/**
 * Staged progress: every long operation reports `{ stage, done, total, fps, eta }`.
 * `done`/`total` are in the stage's unit (frames for video stages, seconds of media for
 * audio stages); `fps` is units per wall-clock second; `eta` is seconds left for the whole job.
 */
export interface ProgressEvent {
  /** Stage id, e.g. "analyze-loudness", "encode". */
  stage: string;
  /** 1-based index of the stage in the plan, and how many stages the plan has. */
  stageIndex: number;
  stageCount: number;
  done: number;
  total: number;
  unit: 'frames' | 'seconds';
  /** Units per second of wall time over the recent window. */
  fps: number;
  /** Estimated seconds left for this stage. */
  stageEta: number | null;
  /** Estimated seconds left for the whole job, counting stages not started yet by their weight. */
  eta: number | null;
  /** Overall fraction 0..1. */
  fraction: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

export interface StageWeight {
  id: string;
  /** Relative cost of the stage, used to turn per-stage progress into an overall fraction. */
  weight: number;
  unit: ProgressEvent['unit'];
}

/**
 * Turns raw (done, total) updates of the plan's stages into ProgressEvents with rate and ETA.
 * The rate is smoothed over a sliding window so the ETA does not jump with each frame.
 */
/** A stage's own rate is trusted after this long, or this share of it. */
const EARLY_SECONDS = 3;
const EARLY_FRACTION = 0.05;

export class ProgressTracker {
  private readonly weights: StageWeight[];
  private readonly totalWeight: number;
  private readonly samples = new Map<string, Array<{ t: number; done: number }>>();
  private readonly started = new Map<string, number>();
  private firstStart: number | undefined;
  private lastEmit = -Infinity;

  constructor(
    stages: StageWeight[],
    private readonly listener: ProgressListener | undefined,
    private readonly now: () => number = () => performance.now() / 1000,
    private readonly minIntervalSeconds = 0.2,
  ) {
    this.weights = stages;
    this.totalWeight = stages.reduce((s, x) => s + x.weight, 0) || 1;
  }

  /** Report that `stage` has done `done` of `total` units. `force` bypasses rate limiting. */
  update(stage: string, done: number, total: number, force = false): ProgressEvent | undefined {
    const t = this.now();
    if (!this.started.has(stage)) this.started.set(stage, t);
    this.firstStart ??= t;
    const window = this.samples.get(stage) ?? [];
    window.push({ t, done });
    while (window.length > 2 && t - window[0].t > 3) window.shift();
    this.samples.set(stage, window);
    if (!force && t - this.lastEmit < this.minIntervalSeconds) return undefined;
    this.lastEmit = t;

    const idx = this.weights.findIndex((w) => w.id === stage);
    const info = this.weights[idx] ?? { id: stage, weight: 1, unit: 'frames' as const };
    const first = window[0];
    const dt = t - first.t;
    const rate = dt > 0 ? (done - first.done) / dt : 0;
    const safeTotal = total > 0 ? total : 0;
    const stageFraction = safeTotal > 0 ? Math.min(1, done / safeTotal) : 0;
    const stageEta = rate > 0 && safeTotal > 0 ? Math.max(0, (safeTotal - done) / rate) : null;

    const before = this.weights.slice(0, Math.max(0, idx)).reduce((s, x) => s + x.weight, 0);
    const fraction = Math.min(1, (before + info.weight * stageFraction) / this.totalWeight);
    // Later stages are estimated from this stage's wall time per unit of weight.
    const stageStart = this.started.get(stage) ?? t;
    const elapsed = t - stageStart;
    const after = this.weights.slice(idx + 1).reduce((s, x) => s + x.weight, 0);
    const secondsPerWeight = stageFraction > 0.02 ? elapsed / (info.weight * stageFraction) : null;
    let eta = stageEta === null ? null : stageEta + (secondsPerWeight === null ? 0 : after * secondsPerWeight);
    // A stage's first seconds (start-up, a pipeline filling) say little about its speed: until its
    // own rate settles, the stages already done give the machine's seconds per unit of weight.
    if ((elapsed < EARLY_SECONDS || stageFraction < EARLY_FRACTION) && before > 0 && stageStart > this.firstStart) {
      const measured = (stageStart - this.firstStart) / before;
      eta = (info.weight * (1 - stageFraction) + after) * measured;
    }

    const event: ProgressEvent = {
      stage,
      stageIndex: idx + 1,
      stageCount: this.weights.length,
      done,
      total: safeTotal,
      unit: info.unit,
      fps: Math.round(rate * 10) / 10,
      stageEta: stageEta === null ? null : Math.round(stageEta * 10) / 10,
      eta: eta === null ? null : Math.round(eta * 10) / 10,
      fraction: Math.round(fraction * 1000) / 1000,
    };
    this.listener?.(event);
    return event;
  }
}
