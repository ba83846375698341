// Whether a model suits this machine, and why, in one line (unknown for models outside the model list).
import type { ModelRow } from '../../../shared/types';

export function ModelSuits({ row }: { row: ModelRow }) {
  if (row.suits === null) return null;
  return (
    <p className={`suits ${row.suits ? 'suits-yes' : 'suits-no'}`} data-testid="model-suits">
      <span aria-hidden="true">{row.suits ? '✓ ' : '! '}</span>
      {row.suits ? 'Suits this computer' : 'Not a good fit here'}
      {row.suitsWhy && <span className="muted">: {row.suitsWhy}</span>}
    </p>
  );
}
