// The short words that place a model at a glance: in use, installed, recommended for this machine, broken.
import type { ModelRow } from '../../../shared/types';

export function ModelBadges({ row }: { row: ModelRow }) {
  return (
    <span className="badges" data-testid="model-badges">
      {row.active && <span className="badge badge-active">Active</span>}
      {row.installed && !row.active && row.valid && <span className="badge">Installed</span>}
      {row.installed && !row.valid && <span className="badge badge-danger">Broken</span>}
      {row.recommended && <span className="badge badge-accent">Recommended</span>}
      {!row.inModelList && <span className="badge">Imported</span>}
    </span>
  );
}
