// The files indexing skipped, each with its reason (unreadable, unsupported, too large…), filterable by
// path, code or reason words.
import { displayPath } from '../../../shared/byte-path';
import { useDeferredValue, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api';
import { ErrorNote } from '../../components/ErrorNote';
import { formatCount } from '../../format';
import type { FailedFile } from '../../../shared/types';

/** Skipped files fetched: plenty to read through here; `glimpse failures` lists them all. */
const FAILURE_LIMIT = 5000;
/** Rows rendered at once: more is unreadable anyway, the filter narrows it. */
const SHOWN = 300;

export function FailuresPanel({
  filter,
  onFilter,
  reloadKey,
}: {
  filter: string;
  onFilter: (text: string) => void;
  /** Changes whenever the library changes, so the list follows new runs. */
  reloadKey: unknown;
}) {
  const [failures, setFailures] = useState<FailedFile[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    api.listFailures(FAILURE_LIMIT).then(
      (list) => {
        if (!live) return;
        setFailures(list);
        setError(null);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [reloadKey, attempt]);

  const words = useDeferredValue(filter).trim().toLowerCase();
  const matches = (failures ?? []).filter(
    (f) => !words || `${displayPath(f.path)} ${f.code} ${f.reason}`.toLowerCase().includes(words),
  );
  return (
    <section className="failures" aria-label="Skipped files">
      <div className="failures-head">
        <h2>Skipped files</h2>
        {failures && (
          <span className="muted" data-testid="failure-count">
            {words ? `${formatCount(matches.length)} of ` : ''}
            {formatCount(failures.length)}
            {failures.length >= FAILURE_LIMIT ? '+' : ''}
          </span>
        )}
        <input
          type="search"
          aria-label="Filter skipped files"
          placeholder="Filter by path or reason"
          value={filter}
          onChange={(e) => onFilter(e.target.value)}
        />
      </div>
      {error ? (
        <ErrorNote message={error} onRetry={() => setAttempt((n) => n + 1)} />
      ) : failures === null ? null : failures.length === 0 ? (
        <p className="muted">No files were skipped.</p>
      ) : (
        <>
          <ul className="failure-list">
            {matches.slice(0, SHOWN).map((f) => (
              <li key={f.path} data-testid="failure-row">
                <span className="path" title={displayPath(f.path)}>
                  {displayPath(f.path)}
                </span>
                <span className="failure-reason">
                  <code>{f.code}</code> {f.reason}
                </span>
              </li>
            ))}
          </ul>
          {matches.length > SHOWN && (
            <p className="muted">
              Showing the first {SHOWN} of {formatCount(matches.length)}; narrow the filter to see others.
            </p>
          )}
        </>
      )}
    </section>
  );
}
