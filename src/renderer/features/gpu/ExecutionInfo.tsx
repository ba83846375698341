// Where the model runs and why: requested vs active execution provider per tower (image and text),
// the fallbacks with their reasons, precision, batch size and load time.
import type { EmbedderInfo, TowerInfo } from '../../../shared/types';
import { explainTower, PROVIDER_LABELS } from './providers';

function Tower({ title, tower }: { title: string; tower: TowerInfo | null }) {
  return (
    <div className="tower" data-testid="tower">
      <dt>{title}</dt>
      {tower ? (
        <dd>
          <strong className={tower.active === 'cpu' && tower.requested[0] !== 'cpu' ? 'warn' : undefined}>
            {PROVIDER_LABELS[tower.active]}
          </strong>
          <span className="muted"> · loaded in {(tower.loadMs / 1000).toFixed(1)} s</span>
          <p className="why" data-testid="provider-why">
            {explainTower(tower)}
          </p>
        </dd>
      ) : (
        <dd className="muted">Not loaded yet — it loads on first use.</dd>
      )}
    </div>
  );
}

export function ExecutionInfo({
  embedder,
  batchSize,
}: {
  embedder: EmbedderInfo | null;
  batchSize: number | null;
}) {
  if (!embedder) {
    return (
      <section className="panel" aria-label="Model execution">
        <h2>Model</h2>
        <p className="muted">
          The model is not loaded: it loads with the first search or indexing run (see Settings if it cannot
          be found).
        </p>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Model execution">
      <h2>Model</h2>
      <p>
        {embedder.modelName} <span className="muted">({embedder.modelId})</span>
      </p>
      <dl className="facts">
        <div>
          <dt>Requested</dt>
          <dd data-testid="providers-requested">
            {embedder.requested.map((p) => PROVIDER_LABELS[p]).join(' → ')}
          </dd>
        </div>
        <div>
          <dt>Precision</dt>
          <dd data-testid="precision">{embedder.precision.toUpperCase()}</dd>
        </div>
        <div>
          <dt>Batch size</dt>
          <dd data-testid="batch-size">{batchSize === null ? 'chosen when indexing starts' : batchSize}</dd>
        </div>
        <Tower title="Image model" tower={embedder.visual} />
        <Tower title="Text model" tower={embedder.textual} />
      </dl>
    </section>
  );
}
