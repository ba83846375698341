// A download that ended without installing: cancelled by the user, or failed in the engine's own words;
// either way what arrived is kept, so the one button resumes.
import type { ReactNode } from 'react';
import type { ModelPullJob } from '../../../shared/types';

export function DownloadStopped({
  job,
  cancelled,
  onRetry,
  children,
}: {
  job: ModelPullJob;
  cancelled: boolean;
  onRetry: () => void;
  /** More ways on (first run: choose another model). */
  children?: ReactNode;
}) {
  // The last progress may be a moment old, so the kept amount is not stated as a number.
  const kept = cancelled || (job.progress?.bytesDone ?? 0) > 0;
  return (
    <div
      className={`download-stopped${cancelled ? '' : ' failed'}`}
      role="alert"
      data-testid="download-stopped"
    >
      <strong>{cancelled ? 'Download cancelled' : 'The download stopped'}</strong>
      {!cancelled && job.error && (
        <p className="download-error" data-testid="download-error">
          {job.error}
        </p>
      )}
      {kept && (
        <p className="muted small">What has arrived is kept: downloading again continues from there.</p>
      )}
      <div className="download-actions">
        <button type="button" className="primary" onClick={onRetry}>
          {cancelled ? 'Resume download' : 'Retry'}
        </button>
        {children}
      </div>
    </div>
  );
}
