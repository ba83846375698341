// The GPU panel: each NVIDIA GPU's live state, where the model runs and why, indexing throughput and
// the pipeline's per-batch stage times.
// Without a usable NVIDIA GPU it says why and shows the CPU that does the work instead.
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { ExecutionInfo } from './ExecutionInfo';
import { GpuCard } from './GpuCard';
import { Pipeline } from './Pipeline';
import { Throughput } from './Throughput';
import { useGpuPanel } from './useGpuPanel';
import './gpu.css';

export function GpuView() {
  // Mounted for the app's lifetime (hidden when another view is open), so the history keeps filling.
  const { panel, error, rates } = useGpuPanel();
  return (
    <section className="gpu-view" aria-label="GPU">
      <header className="view-head">
        <h1>GPU</h1>
      </header>
      {error && !panel && <ErrorNote title="GPU status unavailable" message={error} />}
      {!panel ? (
        !error && <Loading label="Reading GPU status…" />
      ) : (
        <div className="gpu-grid">
          <section className="panel" aria-label="Graphics cards">
            <h2>{panel.gpu.gpus.length > 1 ? `${panel.gpu.gpus.length} GPUs` : 'GPU'}</h2>
            {panel.gpu.gpus.length > 0 ? (
              panel.gpu.gpus.map((g) => (
                <GpuCard key={g.uuid || g.index} gpu={g} cudaVersion={panel.gpu.cudaVersion} />
              ))
            ) : (
              <div className="no-gpu" data-testid="no-gpu">
                <p>
                  <strong>No NVIDIA GPU in use:</strong>{' '}
                  {panel.gpu.unavailable ?? 'nvidia-smi reported no GPUs.'}
                </p>
                <p data-testid="cpu-info">
                  Running on the CPU: {panel.cpu.model}, {panel.cpu.cores} cores.
                </p>
              </div>
            )}
            {panel.photoDecoder && (
              <p className="muted" data-testid="photo-decoder">
                {panel.photoDecoder}
              </p>
            )}
          </section>
          <ExecutionInfo embedder={panel.embedder} batchSize={panel.batchSize} />
          <Throughput indexing={panel.indexing} rates={rates} />
          <Pipeline pipeline={panel.pipeline} decoders={panel.decoders} />
        </div>
      )}
    </section>
  );
}
