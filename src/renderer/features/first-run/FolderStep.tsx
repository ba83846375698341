// First run's last step: the model is ready, so ask for the first folder of photos; adding it starts
// indexing, and the app opens on the library's progress.
import { useState } from 'react';
import { api, errorCode, errorMessage } from '../../api';
import { ErrorNote } from '../../components/ErrorNote';
import type { ModelState } from '../../../shared/types';

export function FolderStep({
  model,
  name,
  onDone,
}: {
  model: ModelState;
  /** What to call it: the model list's name where it came from there. */
  name: string | null;
  onDone: (view: 'search' | 'library') => void;
}) {
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    setAdding(true);
    setError(null);
    api
      .addFolder()
      .then(
        // Closing the picker adds nothing: stay here.
        (folders) => folders.length > 0 && onDone('library'),
        (e: unknown) => errorCode(e) !== 'CANCELLED' && setError(errorMessage(e)),
      )
      .finally(() => setAdding(false));
  };
  return (
    <section className="folder-step" aria-labelledby="folder-step-title" data-testid="folder-step">
      <p className="model-ready" data-testid="model-ready">
        <span aria-hidden="true">✓ </span>
        {name ?? 'The model'} is ready
        {model.precision && model.embedDim && (
          <span className="muted">
            {' '}
            ({model.precision.toUpperCase()}, {model.embedDim} dimensions)
          </span>
        )}
        .
      </p>
      <h2 id="folder-step-title">Add your first folder of photos</h2>
      <p>
        Glimpse looks at every photo in it once, subfolders included, and then finds them by description.
        Indexing runs in the background: search works while it does, and more folders can be added later from
        Library.
      </p>
      {error && <ErrorNote message={error} />}
      <div className="first-run-actions">
        <button type="button" className="primary large" onClick={add} disabled={adding}>
          {adding ? 'Adding…' : 'Add folder…'}
        </button>
        <button type="button" className="link-button" onClick={() => onDone('search')}>
          Skip for now
        </button>
      </div>
    </section>
  );
}
