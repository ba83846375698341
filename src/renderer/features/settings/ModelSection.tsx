// The model in use (name, id, precision, folder) or the problem that keeps it from loading, with the
// way to point Glimpse at another model folder.
import type { ModelState } from '../../../shared/types';

export function ModelSection({
  model,
  choosing,
  onChoose,
}: {
  model: ModelState;
  choosing: boolean;
  onChoose: () => void;
}) {
  return (
    <section className="panel" aria-label="Model in use">
      <h2>Model in use</h2>
      {model.ok ? (
        <dl className="facts" data-testid="model-facts">
          <div>
            <dt>Name</dt>
            <dd>{model.name}</dd>
          </div>
          <div>
            <dt>Id</dt>
            <dd>
              <code>{model.id}</code>
            </dd>
          </div>
          <div>
            <dt>Precision</dt>
            <dd>{model.precision?.toUpperCase() ?? '—'}</dd>
          </div>
          <div>
            <dt>Embedding size</dt>
            <dd>{model.embedDim ?? '—'}</dd>
          </div>
        </dl>
      ) : (
        <p className="error-text" role="alert">
          {model.problem ?? 'The model cannot be used.'}
        </p>
      )}
      <p className="muted small">
        Folder: <span className="path">{model.dir}</span>
      </p>
      <p className="muted small">
        Vectors are stored per model and never mixed: after a change, indexing embeds the library again.
      </p>
      <button type="button" onClick={onChoose} disabled={choosing}>
        {choosing ? 'Choosing…' : 'Choose model folder…'}
      </button>
    </section>
  );
}
