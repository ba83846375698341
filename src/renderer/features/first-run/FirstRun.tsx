// First run, until a model is in use: explains what Glimpse needs, recommends the model for this machine,
// downloads it with progress (cancel, resume, retry), switches to it, then asks for the first folder —
// or takes a model folder the user already has.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { DownloadProgress } from '../models/DownloadProgress';
import { DownloadStopped } from '../models/DownloadStopped';
import { useModels } from '../models/useModels';
import { usePullJob } from '../models/usePullJob';
import type { ModelState } from '../../../shared/types';
import { FolderStep } from './FolderStep';
import { ModelPicker } from './ModelPicker';
import { OwnModel } from './OwnModel';
import '../models/models.css';
import './first-run.css';

type Stage =
  | { kind: 'choose' }
  | { kind: 'download'; id: string }
  | { kind: 'activating' }
  /** `from`: the listed model it came from, whose name people chose it by. */
  | { kind: 'folder'; model: ModelState; from: string | null };

const STEPS = ['Model', 'Download', 'First folder'];

function Steps({ current }: { current: number }) {
  return (
    <ol className="first-run-steps" aria-label="Setup steps">
      {STEPS.map((label, i) => (
        <li
          key={label}
          aria-current={i === current ? 'step' : undefined}
          className={i < current ? 'done' : undefined}
        >
          <span className="step-number" aria-hidden="true">
            {i < current ? '✓' : i + 1}
          </span>
          {label}
        </li>
      ))}
    </ol>
  );
}

export function FirstRun({
  model,
  onModel,
  onDone,
}: {
  model: ModelState;
  /** A model folder was chosen that cannot be used: the problem to show. */
  onModel: (m: ModelState) => void;
  /** A model is in use and the first folder dealt with: the view the app should open on. */
  onDone: (m: ModelState, view: 'search' | 'library') => void;
}) {
  const models = useModels();
  const [stage, setStage] = useState<Stage>({ kind: 'choose' });
  const [selected, setSelected] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** A usable model: on to the first folder, or, for a library that has folders, straight to the app. */
  const ready = async (state: ModelState, from: string | null = null) => {
    const status = await api.getLibraryStatus().catch(() => null);
    if (!status || status.folders.length === 0) return setStage({ kind: 'folder', model: state, from });
    const partial = status.coverage.withVector < status.coverage.photos;
    // Photos indexed with another model need vectors for this one before search sees them.
    if (partial) await api.startIndexing([]).catch(() => {});
    onDone(state, partial ? 'library' : 'search');
  };

  const activate = (id: string) => {
    setStage({ kind: 'activating' });
    setError(null);
    api.useModel(id).then(
      (state) => {
        if (state.ok) return ready(state, id);
        onModel(state);
        setStage({ kind: 'choose' });
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setStage({ kind: 'choose' });
        models.reload();
      },
    );
  };

  const pull = usePullJob((job) => {
    if (!job.error && job.id && job.installed === job.id) activate(job.id);
  });

  // A download already under way (the window was reloaded) is followed, not started again.
  const running = pull.job && pull.job.state !== 'idle' ? pull.job.id : null;
  useEffect(() => {
    if (running) setStage((s) => (s.kind === 'choose' ? { kind: 'download', id: running } : s));
  }, [running]);

  const download = (id: string) => {
    setError(null);
    setStage({ kind: 'download', id });
    setStarting(true);
    pull
      .start(id)
      .catch((e: unknown) => {
        setError(errorMessage(e));
        setStage({ kind: 'choose' });
      })
      .finally(() => setStarting(false));
  };

  /** A folder the user already has (chosen in place, or imported into the models folder). */
  const ownFolder = (state: ModelState) => {
    if (state.ok) {
      setStage({ kind: 'activating' });
      return ready(state);
    }
    onModel(state);
    models.reload();
  };

  const overview = models.overview;
  const fresh = overview?.active.present === false;
  const job = pull.job;
  const step = stage.kind === 'choose' ? 0 : stage.kind === 'folder' ? 2 : 1;
  const nameOf = (id: string) => overview?.models.find((m) => m.id === id)?.name ?? id;

  return (
    <main className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h1 id="first-run-title">Welcome to Glimpse</h1>
      <p className="lead">
        Glimpse finds your photos by what is in them — “dog on a beach”, “red car at night” — with a CLIP
        model that runs on this computer. Nothing is uploaded. First it needs that model: a one-time download.
      </p>
      <Steps current={step} />

      {model.problem && stage.kind === 'choose' && (
        <div className={fresh ? 'model-problem quiet' : 'model-problem'} data-testid="model-problem">
          {fresh ? (
            <span className="muted small" title={model.problem}>
              No model is installed yet.
            </span>
          ) : (
            <span role="alert">
              <strong>The model in use cannot be loaded:</strong> {model.problem}
            </span>
          )}
        </div>
      )}
      {error && <ErrorNote message={error} />}

      {stage.kind === 'choose' &&
        (models.error && !overview ? (
          <ErrorNote
            title="The model list could not be read"
            message={models.error}
            onRetry={models.reload}
          />
        ) : !overview ? (
          <Loading label="Looking at this computer…" />
        ) : (
          <ModelPicker
            overview={overview}
            selected={selected ?? overview.recommended.id}
            busy={starting}
            onSelect={setSelected}
            onDownload={download}
            onUse={activate}
          />
        ))}

      {stage.kind === 'download' && (
        <section className="download-step" aria-labelledby="download-title">
          <h2 id="download-title">Downloading {nameOf(stage.id)}</h2>
          {!starting && job?.id === stage.id && job.state !== 'idle' ? (
            <DownloadProgress job={job} onCancel={() => void pull.cancel()} />
          ) : !starting && job?.id === stage.id && job.error ? (
            <DownloadStopped job={job} cancelled={pull.cancelled} onRetry={() => download(stage.id)}>
              <button type="button" onClick={() => setStage({ kind: 'choose' })}>
                Choose another model
              </button>
            </DownloadStopped>
          ) : (
            <Loading label="Starting the download…" />
          )}
          {job?.state !== 'idle' && (
            <p className="muted small">
              Cancel any time: what has arrived is kept, and downloading again continues from there.
            </p>
          )}
        </section>
      )}

      {stage.kind === 'activating' && <Loading label="Loading the model…" />}

      {stage.kind === 'folder' && (
        <FolderStep
          model={stage.model}
          name={(stage.from && nameOf(stage.from)) || stage.model.name}
          onDone={(view) => onDone(stage.model, view)}
        />
      )}

      {stage.kind === 'choose' && <OwnModel onModel={ownFolder} onError={setError} />}
    </main>
  );
}
