// The library view: folders (add, re-index, remove), the live indexing job, and the skipped files.
// A folder dragged onto the window while this view is open is added (the app shell routes the drop).
import { useState } from 'react';
import { api, errorMessage } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { useNotify } from '../../components/Notices';
import { formatCount } from '../../format';
import { FailuresPanel } from './FailuresPanel';
import { FolderList } from './FolderList';
import { IndexProgress } from './IndexProgress';
import { ReadOnlyNote } from './ReadOnlyNote';
import { useIndexJob } from './useIndexJob';
import type { LibraryHandle } from './useLibrary';
import './library.css';

export function LibraryView({ library }: { library: LibraryHandle }) {
  const notify = useNotify();
  const job = useIndexJob();
  const [filter, setFilter] = useState('');
  const busy = job !== null && job.state !== 'idle';
  const report = (e: unknown) => notify(errorMessage(e), 'error');
  const index = (paths: string[]) => void api.startIndexing(paths).catch(report);
  const status = library.status;
  /** Held by another Glimpse: changes would only fail with its PID, so they are not offered. */
  const readOnly = status?.readOnly !== undefined;

  return (
    <section className="library-view" aria-label="Library">
      <header className="view-head">
        <div>
          <h1>Library</h1>
          {status && (
            <p className="muted" data-testid="library-totals">
              {formatCount(status.photos)} photos in {formatCount(status.folders.length)}{' '}
              {status.folders.length === 1 ? 'folder' : 'folders'} · {formatCount(status.failed)} skipped
              {status.index.pending > 0 && ` · ${formatCount(status.index.pending)} waiting for the index`}
            </p>
          )}
        </div>
        <div className="view-actions">
          <button
            type="button"
            className="primary"
            disabled={readOnly}
            onClick={() => void library.addFolder().catch(report)}
          >
            Add folder…
          </button>
          <button
            type="button"
            disabled={busy || readOnly || !status?.folders.length}
            onClick={() => index([])}
            title="Look for new, changed and deleted photos in every folder"
          >
            Re-index all
          </button>
        </div>
      </header>

      <ReadOnlyNote library={status} />
      {job && (
        <IndexProgress
          job={job}
          onCancel={() => void api.cancelIndexing().catch(report)}
          onResume={() => index([])}
        />
      )}

      {library.error && !status ? (
        <ErrorNote title="The library could not be read" message={library.error} onRetry={library.reload} />
      ) : !status ? (
        <Loading label="Reading the library…" />
      ) : status.folders.length === 0 ? (
        <EmptyState title="Add your first folder" testId="empty-library">
          <p>Choose a folder of photos, or drop one onto this window. Subfolders are included.</p>
          <button type="button" className="primary" onClick={() => void library.addFolder().catch(report)}>
            Add folder…
          </button>
        </EmptyState>
      ) : (
        <>
          <FolderList
            folders={status.folders}
            busy={busy}
            readOnly={readOnly}
            onReindex={(path) => index([path])}
            onRemove={(path) =>
              void library.removeFolder(path).then(() => notify(`Removed ${path} from the library`), report)
            }
            onShowSkipped={setFilter}
          />
          <p className="muted small">Drop a folder onto this window to add it.</p>
          {status.index.openedFrom === 'rebuild' && status.index.reason && (
            <p className="muted small">
              The search index was rebuilt from the catalog: {status.index.reason}
            </p>
          )}
          <FailuresPanel filter={filter} onFilter={setFilter} reloadKey={status} />
        </>
      )}
    </section>
  );
}
