// Settings → Models: every listed and installed model with its size, dimensions, precision, speed and
// fit for this machine, and what can be done with it now — download (with live progress), use, remove.
import type { ModelOverview, ModelRow } from '../../../shared/types';
import { DownloadProgress } from './DownloadProgress';
import { DownloadStopped } from './DownloadStopped';
import { ModelBadges } from './ModelBadges';
import { ModelSuits } from './ModelSuits';
import { modelSize, speedWords } from './modelWords';
import type { PullHandle } from './usePullJob';

interface ModelActions {
  download(id: string): void;
  use(row: ModelRow): void;
  remove(row: ModelRow): void;
}

function Specs({ row }: { row: ModelRow }) {
  const speed = speedWords(row.speed);
  return (
    <dl className="model-specs">
      <div>
        <dt>{row.installed ? 'Size' : 'Download'}</dt>
        <dd data-testid="model-size">{modelSize(row)}</dd>
      </div>
      <div>
        <dt>Dimensions</dt>
        <dd>{row.embedDim ?? '—'}</dd>
      </div>
      <div>
        <dt>Precision</dt>
        <dd>{row.precision?.toUpperCase() ?? '—'}</dd>
      </div>
      {speed && (
        <div>
          <dt>Speed</dt>
          <dd>{speed}</dd>
        </div>
      )}
    </dl>
  );
}

/** The model in use first, then the installed ones, then the rest of the model list, each in its order. */
function ordered(rows: ModelRow[]): ModelRow[] {
  const rank = (m: ModelRow) => (m.active ? 0 : m.installed ? 1 : 2);
  return rows
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i)
    .map((x) => x.m);
}

export function ModelRows({
  overview,
  pull,
  busy,
  actions,
}: {
  overview: ModelOverview;
  pull: PullHandle;
  /** The model a use or remove is in flight for. */
  busy: string | null;
  actions: ModelActions;
}) {
  const job = pull.job;
  const downloading = job !== null && job.state !== 'idle' ? job.id : null;
  return (
    <ul className="model-rows" aria-label="Models">
      {ordered(overview.models).map((row) => {
        const mine = job?.id === row.id;
        const stopped = mine && job.state === 'idle' && job.error !== null && !row.installed;
        return (
          <li
            key={row.id}
            className={row.active ? 'active' : undefined}
            data-testid="model-row"
            data-model-id={row.id}
            aria-label={row.name}
          >
            <div className="model-row-head">
              <strong className="model-name">{row.name}</strong>
              <ModelBadges row={row} />
              <span className="model-actions">
                {!row.installed && row.inModelList && downloading !== row.id && (
                  <button
                    type="button"
                    disabled={downloading !== null}
                    title={downloading ? `${downloading} is downloading; one download at a time` : undefined}
                    onClick={() => actions.download(row.id)}
                  >
                    Download
                  </button>
                )}
                {row.installed && row.valid && !row.active && (
                  <button type="button" disabled={busy !== null} onClick={() => actions.use(row)}>
                    {busy === row.id ? 'Switching…' : 'Use'}
                  </button>
                )}
                {row.installed && !row.active && (
                  <button
                    type="button"
                    className="danger-quiet"
                    disabled={busy !== null}
                    onClick={() => actions.remove(row)}
                  >
                    Remove…
                  </button>
                )}
              </span>
            </div>
            <Specs row={row} />
            <ModelSuits row={row} />
            {row.description && <p className="muted small model-description">{row.description}</p>}
            {row.problem && <p className="error-text small">{row.problem}</p>}
            {mine && job.state !== 'idle' && (
              <DownloadProgress job={job} onCancel={() => void pull.cancel()} />
            )}
            {stopped && (
              <DownloadStopped
                job={job}
                cancelled={pull.cancelled}
                onRetry={() => actions.download(row.id)}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}
