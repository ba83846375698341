// Says so when search sees only part of the library: after a model switch, photos are searchable once
// they have a vector for the active model, and indexing fills in the rest. Offers to start that indexing.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api';
import { useNotify } from '../../components/Notices';
import { formatCount } from '../../format';
import { useIndexJob } from '../library/useIndexJob';
import type { LibraryStatus } from '../../../shared/types';

/** libraryChanged comes only when a run ends; while re-embedding, the share is read again this often. */
const REFRESH_MS = 5 * 1000;

export function CoverageNote({
  library,
  modelName,
}: {
  library: LibraryStatus | null;
  modelName: string | null;
}) {
  const notify = useNotify();
  const job = useIndexJob();
  const running = job !== null && job.state !== 'idle';
  const [coverage, setCoverage] = useState(library?.coverage ?? null);
  useEffect(() => setCoverage(library?.coverage ?? null), [library]);
  useEffect(() => {
    if (!running) return;
    // A read still on its way when the run ends must not overwrite the final status libraryChanged brings.
    let live = true;
    const timer = setInterval(
      () =>
        api.getLibraryStatus().then(
          (s) => live && setCoverage(s.coverage),
          () => {},
        ),
      REFRESH_MS,
    );
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [running]);

  if (!coverage || coverage.photos === 0 || coverage.withVector >= coverage.photos) return null;
  const pct = Math.floor((coverage.withVector / coverage.photos) * 100);
  const name = modelName ?? coverage.modelId;
  return (
    <div className="coverage-note" role="status" data-testid="coverage-note">
      <span>
        <strong>Re-embedding for {name}:</strong> {pct}% of photos searchable so far (
        {formatCount(coverage.withVector)} of {formatCount(coverage.photos)});{' '}
        {running ? 'indexing is filling in the rest.' : 'indexing fills in the rest.'}
      </span>
      {!running && (
        <button
          type="button"
          onClick={() => void api.startIndexing([]).catch((e: unknown) => notify(errorMessage(e), 'error'))}
        >
          Index now
        </button>
      )}
    </div>
  );
}
