// The indexing pipeline's last batches: how long the model waited for each and ran it, the stage
// that set the pace, per-stage medians, and which decoder took the files, so a stall names its stage.
import { formatCount } from '../../format';
import type { BatchTiming, DecoderCounts, PipelineReport, PipelineStage } from '../../../shared/types';

const LIMIT: Record<PipelineStage, string> = {
  embed: 'The model sets the pace',
  decode: 'Decoding limits the run',
  read: 'Reading files limits the run',
  fill: 'Filling the input tensor limits the run',
  commit: 'Commits limit the run',
};

const ROWS: Array<{ key: keyof PipelineReport['stages']; label: string }> = [
  { key: 'wait', label: 'Model waiting' },
  { key: 'read', label: 'Read + hash' },
  { key: 'decode', label: 'Decode' },
  { key: 'fill', label: 'Fill tensor' },
  { key: 'embed', label: 'Model run' },
  { key: 'commit', label: 'Commit' },
];

const batches = (n: number) => `${formatCount(n)} ${n === 1 ? 'batch' : 'batches'}`;

function ms(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 100) return `${Math.round(v)} ms`;
  return `${v.toFixed(1)} ms`;
}

const CHART_W = 320;
const CHART_H = 72;

/** One column per batch: the model's wait for it (below) and its run (above). */
function BatchChart({ recent }: { recent: BatchTiming[] }) {
  const max = Math.max(1, ...recent.map((b) => b.waitMs + b.embedMs));
  // Columns grow from the right as batches come, up to the 32 kept.
  const slot = CHART_W / Math.max(recent.length, 12);
  const bar = Math.max(1, slot * 0.7);
  const h = (v: number) => (v / max) * (CHART_H - 2);
  return (
    <svg
      className="batch-chart"
      role="img"
      aria-label={`Per batch, model waiting and model running: the last ${batches(recent.length)}`}
      viewBox={`0 0 ${CHART_W} ${CHART_H}`}
      preserveAspectRatio="none"
      width="100%"
      height={CHART_H}
    >
      {recent.map((b, i) => {
        const x = CHART_W - (recent.length - i) * slot + (slot - bar) / 2;
        const wait = h(b.waitMs);
        const run = h(b.embedMs);
        return (
          <g key={b.batch} data-testid="batch-column">
            <title>
              {`Batch ${b.batch + 1}: ${b.items} photos, model waited ${ms(b.waitMs)}` +
                `${b.waitedOn ? ` (on ${b.waitedOn})` : ''}, ran ${ms(b.embedMs)}, commit ${ms(b.commitMs)}`}
            </title>
            <rect className="batch-wait" x={x} y={CHART_H - wait} width={bar} height={wait} />
            <rect className="batch-run" x={x} y={CHART_H - wait - run} width={bar} height={run} />
          </g>
        );
      })}
      <line x1={0} y1={CHART_H - 0.5} x2={CHART_W} y2={CHART_H - 0.5} className="sparkline-axis" />
    </svg>
  );
}

function decoderText(d: DecoderCounts): string {
  const decoded = Object.entries(d.decoded)
    .map(([name, n]) => `${name.toUpperCase()} ${formatCount(n)}`)
    .join(' · ');
  const handedOn = Object.entries(d.fallbacks).flatMap(([name, reasons]) =>
    Object.entries(reasons).map(([why, n]) => `${formatCount(n)} ${why} (${name.toUpperCase()})`),
  );
  return handedOn.length ? `${decoded}; handed on: ${handedOn.join(', ')}` : decoded;
}

export function Pipeline({
  pipeline,
  decoders,
}: {
  pipeline: PipelineReport | null;
  decoders: DecoderCounts | null;
}) {
  return (
    <section className="panel" aria-label="Pipeline">
      <h2>Pipeline</h2>
      {!pipeline ? (
        <p className="muted small">The stage times of each batch show here once indexing runs.</p>
      ) : (
        <>
          <p className="pipeline-limit" data-testid="pipeline-limit">
            <strong>{LIMIT[pipeline.limitedBy]}</strong>
            <span className="muted">
              {' '}
              · model busy {Math.round(pipeline.embedBusy * 100)}% · {batches(pipeline.batches)}
            </span>
          </p>
          <BatchChart recent={pipeline.recent} />
          <p className="chart-legend small muted">
            <span className="swatch batch-wait" /> model waiting <span className="swatch batch-run" /> model
            running —{' '}
            {pipeline.recent.length === 1 ? 'the last batch' : `the last ${batches(pipeline.recent.length)}`}
          </p>
          <table className="stage-table" aria-label="Per-batch stage times">
            <thead>
              <tr>
                <th scope="col">Per batch</th>
                <th scope="col">median</th>
                <th scope="col">p95</th>
                <th scope="col">total</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map(({ key, label }) => (
                <tr key={key} data-testid={`stage-${key}`}>
                  <th scope="row">{label}</th>
                  <td>{ms(pipeline.stages[key].p50Ms)}</td>
                  <td>{ms(pipeline.stages[key].p95Ms)}</td>
                  <td>{ms(pipeline.stages[key].totalMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            Read and decode are the work of a batch’s files, done side by side on all cores.
          </p>
          {decoders && (
            <p className="small" data-testid="decoders">
              Decoded by {decoderText(decoders)}
            </p>
          )}
        </>
      )}
    </section>
  );
}
