/** Queue: jobs with their stage, progress and time left; cancel, retry, show the output. */
import { useApp } from '../../stores/store';
import { formatProgress } from '../../app/format';
import { ProgressBar } from '../../app/progress-bar';
import { baseName } from '../library/library-slice';

const STATUS: Record<string, string> = { queued: 'Waiting', running: 'Working', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

export function QueuePanel() {
  const jobs = useApp((s) => s.jobs);
  const error = useApp((s) => s.queueError);
  const revealed = useApp((s) => s.revealed);
  const { cancelJob, retryJob, revealOutput } = useApp.getState();
  if (!jobs.length) return <div className="empty">Exports you start appear here. Ctrl+E exports the selected clip.</div>;
  return (
    <div className="queue">
      {error && <p className="error" role="alert">{error}</p>}
      {revealed && <p className="muted small">Output folder: <code>{revealed}</code></p>}
      <ul>
        {[...jobs].reverse().map((j) => (
          <li key={j.id} className={`job ${j.status}`} data-job-status={j.status}>
            <div className="job-main">
              <div className="job-title">
                <span className={`status-dot ${j.status}`} aria-hidden />
                <strong>{j.kind === 'transcribe' ? `Transcribe ${baseName(j.input)}` : baseName(j.output)}</strong>
                <span className="muted small">{STATUS[j.status]}{j.status === 'running' && j.stage ? ` · ${j.stage}` : ''}{j.status === 'done' && j.wallSeconds ? ` in ${j.wallSeconds.toFixed(1)} s` : ''}</span>
              </div>
              <ProgressBar fraction={j.fraction} />
              <div className="muted small">
                {j.status === 'running' && formatProgress(j.fraction, j.eta)}
                {j.status === 'failed' && <span className="error">{j.error}</span>}
                {j.warnings.length > 0 && <span className="warn-text"> {j.warnings.join(' ')}</span>}
                {j.status === 'done' && j.notes?.length ? <span className="note-text"> {j.notes.join(' ')}</span> : null}
              </div>
            </div>
            <div className="job-actions">
              {(j.status === 'queued' || j.status === 'running') && <button className="small" onClick={() => void cancelJob(j.id)}>Cancel</button>}
              {(j.status === 'failed' || j.status === 'cancelled') && j.request && <button className="small" onClick={() => void retryJob(j.id)}>Retry</button>}
              {j.status === 'done' && j.kind === 'export' && <button className="small" onClick={() => void revealOutput(j.id)}>Show in folder</button>}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
