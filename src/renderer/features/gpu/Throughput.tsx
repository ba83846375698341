// Indexing pace on this machine: live images per second with a two-minute sparkline, queue depth and
// ETA; idle when nothing is being indexed.
import { Sparkline } from '../../components/Sparkline';
import { formatCount, formatDuration } from '../../format';
import type { GpuPanelState } from '../../../shared/types';
import { HISTORY_SAMPLES } from './useGpuPanel';

export function Throughput({ indexing, rates }: { indexing: GpuPanelState['indexing']; rates: number[] }) {
  return (
    <section className="panel" aria-label="Throughput">
      <h2>Throughput</h2>
      <div className="throughput">
        <div className="big-number" data-testid="images-per-second">
          {indexing ? indexing.imagesPerSecond.toFixed(1) : '0'}
          <span className="unit">images/s</span>
        </div>
        <dl className="facts">
          <div>
            <dt>Queue</dt>
            <dd data-testid="queue-depth">{indexing ? formatCount(indexing.queued) : '—'}</dd>
          </div>
          <div>
            <dt>ETA</dt>
            <dd>{indexing?.etaSeconds != null ? formatDuration(indexing.etaSeconds) : '—'}</dd>
          </div>
        </dl>
      </div>
      <Sparkline
        values={rates}
        capacity={HISTORY_SAMPLES}
        label="Images per second over the last two minutes"
      />
      {!indexing && <p className="muted small">Not indexing now.</p>}
    </section>
  );
}
