// One NVIDIA GPU as nvidia-smi reports it: name, driver and CUDA, utilisation, memory, temperature,
// power and SM clock. Unknown values ("[N/A]") read as a dash, not as zero.
import { ProgressBar } from '../../components/ProgressBar';
import { formatCount } from '../../format';
import type { GpuSample } from '../../../shared/types';

/** Above this a card is close to throttling (most NVIDIA parts slow down in the mid-80s °C). */
const HOT_C = 83;
const MIB_PER_GIB = 1024;

const dash = '—';
const gib = (mib: number) => `${(mib / MIB_PER_GIB).toFixed(1)} GiB`;

export function GpuCard({ gpu, cudaVersion }: { gpu: GpuSample; cudaVersion: string | null }) {
  const memUsed = gpu.memoryUsedMiB;
  const memTotal = gpu.memoryTotalMiB;
  return (
    <article className="gpu-card" aria-label={`GPU ${gpu.index}: ${gpu.name}`} data-testid="gpu-card">
      <header>
        <h3>{gpu.name}</h3>
        <span className="muted">
          GPU {gpu.index} · driver {gpu.driverVersion}
          {cudaVersion ? ` · CUDA ${cudaVersion}` : ''}
        </span>
      </header>
      <dl className="gpu-stats">
        <div>
          <dt>Utilisation</dt>
          <dd>{gpu.utilizationPct === null ? dash : `${gpu.utilizationPct}%`}</dd>
          <ProgressBar
            role="meter"
            label="GPU utilisation"
            value={gpu.utilizationPct}
            max={100}
            valueText={gpu.utilizationPct === null ? 'unknown' : `${gpu.utilizationPct}%`}
          />
        </div>
        <div>
          <dt>Memory</dt>
          <dd>
            {memUsed === null || memTotal === null
              ? dash
              : `${gib(memUsed)} of ${gib(memTotal)} (${formatCount(memUsed)} / ${formatCount(memTotal)} MiB)`}
          </dd>
          <ProgressBar
            role="meter"
            label="GPU memory used"
            value={memUsed}
            max={memTotal ?? 0}
            valueText={memUsed === null || memTotal === null ? 'unknown' : `${memUsed} of ${memTotal} MiB`}
          />
        </div>
        <div>
          <dt>Temperature</dt>
          <dd className={gpu.temperatureC !== null && gpu.temperatureC >= HOT_C ? 'warn' : undefined}>
            {gpu.temperatureC === null ? dash : `${gpu.temperatureC} °C`}
          </dd>
        </div>
        <div>
          <dt>Power</dt>
          <dd>
            {gpu.powerDrawW === null ? dash : `${Math.round(gpu.powerDrawW)} W`}
            {gpu.powerLimitW !== null && ` of ${Math.round(gpu.powerLimitW)} W`}
          </dd>
        </div>
        <div>
          <dt>SM clock</dt>
          <dd>
            {gpu.smClockMHz === null ? dash : `${formatCount(gpu.smClockMHz)} MHz`}
            {gpu.smClockMaxMHz !== null && ` of ${formatCount(gpu.smClockMaxMHz)} MHz`}
          </dd>
        </div>
      </dl>
    </article>
  );
}
