// Live progress of the indexing job (phase, bar, counts, pace, ETA, the file in hand) with Cancel, and
// after a run what it did — a cancelled run says its work is kept and offers to resume.
import { formatCount, formatDuration } from '../../format';
import { ProgressBar } from '../../components/ProgressBar';
import { ErrorNote } from '../../components/ErrorNote';
import type { IndexJob, IndexPhase } from '../../../shared/types';
import { CurrentFile } from '../../components/CurrentFile';

const PHASES: Record<IndexPhase, string> = {
  scanning: 'Looking for photos',
  indexing: 'Indexing',
  sweeping: 'Removing deleted files from the index',
  done: 'Finishing',
  cancelled: 'Stopping',
};

export function IndexProgress({
  job,
  onCancel,
  onResume,
}: {
  job: IndexJob;
  onCancel: () => void;
  onResume: () => void;
}) {
  if (job.state === 'idle') {
    const s = job.lastSummary;
    if (job.error) return <ErrorNote title="Indexing stopped" message={job.error} onRetry={onResume} />;
    if (!s) return null;
    if (s.cancelled) {
      return (
        <div className="index-status" data-testid="index-summary">
          <p>
            Indexing was cancelled after {formatDuration(s.seconds)}. Everything indexed so far is kept;
            resuming continues with the photos still to do.
          </p>
          <button type="button" onClick={onResume}>
            Resume indexing
          </button>
        </div>
      );
    }
    return (
      <p className="index-status muted" data-testid="index-summary">
        Last run took {formatDuration(s.seconds)}: {formatCount(s.embedded)} new, {formatCount(s.reused)}{' '}
        reused, {formatCount(s.unchanged)} unchanged, {formatCount(s.removed)} removed,{' '}
        {formatCount(s.failed.length)} skipped.
      </p>
    );
  }

  const p = job.progress;
  const cancelling = job.state === 'cancelling';
  const counting = p?.phase === 'indexing' || p?.phase === 'done';
  return (
    <section className="index-progress" aria-label="Indexing progress" data-testid="index-progress">
      <div className="index-progress-head">
        <strong data-testid="index-phase">
          {cancelling ? 'Cancelling' : p ? PHASES[p.phase] : 'Starting'}
        </strong>
        {p && counting && (
          <span data-testid="index-counts">
            {formatCount(p.processed)} of {formatCount(p.toProcess)}
          </span>
        )}
        {p?.phase === 'scanning' && <span>{formatCount(p.found)} found</span>}
        <button type="button" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel indexing'}
        </button>
      </div>
      <ProgressBar
        label="Indexing progress"
        value={p && counting ? p.processed : null}
        max={p && counting ? Math.max(1, p.toProcess) : 1}
        valueText={p && counting ? `${p.processed} of ${p.toProcess}` : 'working'}
      />
      {p && (
        <div className="index-facts">
          {counting && <span data-testid="index-rate">{p.imagesPerSecond.toFixed(1)} images/s</span>}
          {p.etaSeconds !== null && counting && <span>about {formatDuration(p.etaSeconds)} left</span>}
          {p.failed > 0 && <span>{formatCount(p.failed)} skipped</span>}
          {p.reused > 0 && <span>{formatCount(p.reused)} reused</span>}
        </div>
      )}
      {p?.currentFile && <CurrentFile path={p.currentFile} testId="index-current-file" />}
      <p className="muted small">
        {cancelling
          ? 'Stopping after the batch in flight. Everything indexed so far is kept.'
          : 'Cancel any time: committed work is kept, and starting again resumes where it stopped.'}
      </p>
    </section>
  );
}
