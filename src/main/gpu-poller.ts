// Polls nvidia-smi about once a second (no native dependency) and asks the engine where the model runs
// and how fast indexing goes; the combined GpuPanelState goes to the window as the gpuPanel event.
import { cpuInfo, readGpuStatus } from '../core/host';
import type { EngineStats } from '../engine/engine-commands';
import type { GpuPanelState } from '../shared/types';
import type { EngineHost } from './engine-host';

/** Often enough for a live chart, rarely enough that nvidia-smi (~50 ms) costs nothing. */
const GPU_POLL_MS = 1000;

export class GpuPoller {
  private last: GpuPanelState | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly engine: EngineHost,
    private readonly send: (state: GpuPanelState) => void,
  ) {}

  async sample(): Promise<GpuPanelState> {
    const [gpu, stats] = await Promise.all([
      readGpuStatus(),
      this.engine.call('engineStats').catch((): EngineStats => ({
        embedder: null,
        batchSize: null,
        indexing: null,
        pipeline: null,
        decoders: null,
        photoDecoder: 'unknown (the engine did not answer)',
      })),
    ]);
    this.last = { at: Date.now(), gpu, cpu: cpuInfo(), ...stats };
    return this.last;
  }

  current(): Promise<GpuPanelState> {
    return this.last ? Promise.resolve(this.last) : this.sample();
  }

  start(): void {
    const tick = async () => {
      try {
        this.send(await this.sample());
      } finally {
        this.timer = setTimeout(tick, GPU_POLL_MS);
      }
    };
    void tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
