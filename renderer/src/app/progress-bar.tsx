/** A progress bar for long work (queue jobs, previews): fraction 0..1, announced to assistive tech in percent. */
export function ProgressBar({ fraction, label }: { fraction: number; label?: string }) {
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
      <div style={{ width: `${fraction * 100}%` }} />
    </div>
  );
}
