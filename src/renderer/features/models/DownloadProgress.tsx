// A model download as it runs: phase, bar, bytes of the total, speed, time left, the file in flight,
// whether it picked up an earlier attempt, and Cancel. First run and Settings → Models both show it.
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatDuration } from '../../format';
import type { ModelPullJob } from '../../../shared/types';
import { PHASES } from './modelWords';
import { CurrentFile } from '../../components/CurrentFile';

export function DownloadProgress({ job, onCancel }: { job: ModelPullJob; onCancel: () => void }) {
  const p = job.progress;
  const cancelling = job.state === 'cancelling';
  const known = p !== null && p.bytesTotal > 0;
  const pct = known ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : null;
  return (
    <section className="download-progress" aria-label="Model download" data-testid="download-progress">
      <div className="download-head">
        <strong data-testid="download-phase">
          {cancelling ? 'Cancelling' : p ? PHASES[p.phase] : 'Starting'}
        </strong>
        {known && (
          <span data-testid="download-bytes">
            {formatBytes(p.bytesDone)} of {formatBytes(p.bytesTotal)} ({pct}%)
          </span>
        )}
        <button type="button" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel download'}
        </button>
      </div>
      <ProgressBar
        label="Download progress"
        value={known ? p.bytesDone : null}
        max={known ? p.bytesTotal : 1}
        valueText={known ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : 'working'}
      />
      {p && (
        <div className="download-facts">
          {p.phase === 'downloading' && p.bytesPerSecond > 0 && (
            <span data-testid="download-speed">{formatBytes(p.bytesPerSecond)}/s</span>
          )}
          {p.phase === 'downloading' && p.etaSeconds !== null && (
            <span data-testid="download-eta">about {formatDuration(p.etaSeconds)} left</span>
          )}
          {p.filesTotal > 0 && (
            <span data-testid="download-files">
              file {Math.min(p.filesDone + 1, p.filesTotal)} of {p.filesTotal}
            </span>
          )}
        </div>
      )}
      {p?.file && <CurrentFile path={p.file} testId="download-file" />}
      {p && p.bytesResumed > 0 && (
        <p className="download-resumed" data-testid="download-resumed">
          Resumed: {formatBytes(p.bytesResumed)} came from the earlier, interrupted download.
        </p>
      )}
    </section>
  );
}
