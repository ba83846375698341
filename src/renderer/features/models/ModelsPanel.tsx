// Settings → Models: the same actions as `glimpse model list | pull | use | remove | import`, wired to the
// engine — a switch re-embeds the library for the new model, a removal asks first, one download at a time.
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { useNotify } from '../../components/Notices';
import { formatCount } from '../../format';
import type { LibraryStatus, ModelRow, ModelState } from '../../../shared/types';
import { ModelRows } from './ModelRows';
import { modelSize } from './modelWords';
import { useModels } from './useModels';
import { usePullJob } from './usePullJob';
import './models.css';

export function ModelsPanel({
  model,
  library,
  onModel,
  onLibraryChanged,
}: {
  model: ModelState;
  library: LibraryStatus | null;
  onModel: (m: ModelState) => void;
  onLibraryChanged: () => void;
}) {
  const notify = useNotify();
  const models = useModels();
  const [busy, setBusy] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [confirm, setConfirm] = useState<ModelRow | null>(null);
  const report = (e: unknown) => notify(errorMessage(e), 'error');
  const nameOf = (id: string | null) => models.overview?.models.find((m) => m.id === id)?.name ?? id;

  // Another model folder chosen above (Model in use) changes which row is active.
  const { reload } = models;
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) reload();
    mounted.current = true;
  }, [model.dir, model.id, reload]);

  const pull = usePullJob((job) => {
    models.reload();
    if (!job.error && job.installed === job.id)
      notify(`${nameOf(job.id)} is downloaded. Choose Use to switch to it.`);
  });

  /** A new model: the library's photos need vectors for it, so indexing starts at once. */
  const switched = async (state: ModelState) => {
    onModel(state);
    onLibraryChanged();
    models.reload();
    if (library && library.photos > 0) {
      await api.startIndexing([]);
      notify(
        `Now using ${state.name}. Indexing re-embeds your ${formatCount(library.photos)} photos for it; ` +
          'search covers more of them as it goes.',
      );
    } else notify(`Now using ${state.name}`);
  };

  const use = (row: ModelRow) => {
    setBusy(row.id);
    api
      .useModel(row.id)
      .then(switched)
      .catch(report)
      .finally(() => setBusy(null));
  };

  const remove = (row: ModelRow) => {
    setConfirm(null);
    setBusy(row.id);
    api
      .removeModel(row.id)
      .then((overview) => {
        models.set(overview);
        notify(`Removed ${row.name}`);
      }, report)
      .finally(() => setBusy(null));
  };

  const importFolder = () => {
    setImporting(true);
    api
      .importModelFolder()
      // The picker closed without a choice answers the model in use, unchanged.
      .then((state) => (state.dir !== model.dir || state.id !== model.id ? switched(state) : undefined))
      .catch(report)
      .finally(() => setImporting(false));
  };

  const overview = models.overview;
  return (
    <section className="panel models-panel" aria-label="Models">
      <div className="panel-head">
        <h2>Models</h2>
        <button type="button" onClick={importFolder} disabled={importing}>
          {importing ? 'Importing…' : 'Import a model folder…'}
        </button>
      </div>
      <p className="muted small">
        Download a model from the model list, switch between installed ones, or import a folder (a Glimpse
        export or Immich&apos;s layout).
        {overview && (
          <>
            {' '}
            Models are kept in <span className="path">{overview.modelsDir}</span>.
          </>
        )}
      </p>
      {models.error && !overview ? (
        <ErrorNote title="The models could not be listed" message={models.error} onRetry={models.reload} />
      ) : !overview ? (
        <Loading label="Reading the models…" />
      ) : (
        <ModelRows
          overview={overview}
          pull={pull}
          busy={busy}
          actions={{
            download: (id) => void pull.start(id).catch(report),
            use,
            remove: setConfirm,
          }}
        />
      )}
      {confirm && (
        <ConfirmDialog
          title={`Remove ${confirm.name}?`}
          confirmLabel="Remove model"
          onCancel={() => setConfirm(null)}
          onConfirm={() => remove(confirm)}
        >
          <p>
            This deletes {modelSize(confirm)} from <span className="path">{confirm.dir}</span>.
          </p>
          <p className="muted small">
            Vectors already made with it stay in the library; using it again means downloading or importing it
            again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
