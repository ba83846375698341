// First run's choice of model: the model list with the one recommended for this machine first (and why),
// each with its download size, dimensions, precision, speed and fit, then what downloading it will do.
import type { ModelOverview, ModelRow } from '../../../shared/types';
import { ModelSuits } from '../models/ModelSuits';
import { modelSize, reasonWithoutName, shortName, specLine, speedWords } from '../models/modelWords';

/** The recommended model first (it is always in the model list), then the model list's order; installed
 *  models outside it too. */
function options(overview: ModelOverview): ModelRow[] {
  const usable = overview.models.filter((m) => m.inModelList || (m.installed && m.valid));
  return [...usable.filter((m) => m.recommended), ...usable.filter((m) => !m.recommended)];
}

export function ModelPicker({
  overview,
  selected,
  busy,
  onSelect,
  onDownload,
  onUse,
}: {
  overview: ModelOverview;
  selected: string;
  busy: boolean;
  onSelect: (id: string) => void;
  onDownload: (id: string) => void;
  onUse: (id: string) => void;
}) {
  const rows = options(overview);
  const chosen = rows.find((m) => m.id === selected) ?? rows[0]!;
  const ready = chosen.installed && chosen.valid;
  const [recommended, ...others] = rows as [ModelRow, ...ModelRow[]];
  const option = (row: ModelRow) => (
    <label
      key={row.id}
      className={`model-option${row.id === chosen.id ? ' selected' : ''}`}
      data-testid={row.recommended ? 'recommended-model' : 'model-option'}
      data-model-id={row.id}
    >
      <input
        type="radio"
        name="first-run-model"
        value={row.id}
        checked={row.id === chosen.id}
        onChange={() => onSelect(row.id)}
      />
      <span className="model-option-body">
        <span className="model-option-head">
          <strong>{row.name}</strong>
          {row.recommended && <span className="badge badge-accent">Recommended for this computer</span>}
          {row.installed && <span className="badge">Downloaded</span>}
        </span>
        <span className="muted small" data-testid="model-spec">
          {specLine(row)}
          {row.speed && ` · ${speedWords(row.speed)}`}
        </span>
        {row.recommended ? (
          <span className="small suits suits-yes" data-testid="recommended-reason">
            <span aria-hidden="true">✓ </span>
            {reasonWithoutName(overview.recommended.reason, row.name)}
          </span>
        ) : (
          <ModelSuits row={row} />
        )}
      </span>
    </label>
  );
  return (
    <section className="model-choice" aria-labelledby="model-choice-title">
      <h2 id="model-choice-title">Choose a model</h2>
      <div className="model-options" role="radiogroup" aria-label="Model to download">
        {option(recommended)}
        {others.length > 0 && (
          // Most people take the recommendation: the others are one click away, not in the way.
          <details className="other-models">
            <summary>
              Other models ({others.length}){' '}
              <span className="muted small">
                — larger ones for a GPU, or another balance of size and quality
              </span>
            </summary>
            <div className="model-options">{others.map(option)}</div>
          </details>
        )}
      </div>

      <div className="chosen-model" data-testid="chosen-model">
        {chosen.description && <p>{chosen.description}</p>}
        <button
          type="button"
          className="primary large"
          disabled={busy}
          onClick={() => (ready ? onUse(chosen.id) : onDownload(chosen.id))}
        >
          {ready
            ? `Use ${shortName(chosen.name)}`
            : `Download ${shortName(chosen.name)} (${modelSize(chosen)})`}
        </button>
        <p className="muted small">
          {ready
            ? 'It is already on this computer.'
            : 'Every file is checked (size and SHA-256) before the model is installed; an interrupted download continues where it stopped.'}{' '}
          Models are kept in <span className="path">{overview.modelsDir}</span>.
        </p>
      </div>
    </section>
  );
}
