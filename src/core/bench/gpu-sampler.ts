// Samples GPU utilisation and memory with nvidia-smi while a benchmark runs, so each result says how
// busy the card was and how much memory it took.
import { readGpuStatus } from '../gpu/nvidia-smi';

export interface GpuSamples {
  samples: number;
  /** Mean and max of nvidia-smi's utilisation.gpu over the run, percent. */
  utilizationMeanPct: number | null;
  utilizationMaxPct: number | null;
  /** Highest memory.used seen, MiB (the whole card, other processes included). */
  memoryPeakMiB: number | null;
  gpuName: string | null;
}

/** nvidia-smi's utilisation counter integrates over ~1/6 s to 1 s depending on the card; 250 ms
 *  sampling sees every window without loading the CPU the benchmark needs. */
const SAMPLE_INTERVAL_MS = 250;

export class GpuSampler {
  private readonly util: number[] = [];
  private memPeak: number | null = null;
  private name: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(private readonly deviceIndex = 0) {}

  start(): this {
    this.timer = setInterval(() => void this.sample(), SAMPLE_INTERVAL_MS);
    return this;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const status = await readGpuStatus();
      const gpu = status.gpus.find((g) => g.index === this.deviceIndex) ?? status.gpus[0];
      if (!gpu) return;
      this.name = gpu.name;
      if (gpu.utilizationPct !== null) this.util.push(gpu.utilizationPct);
      if (gpu.memoryUsedMiB !== null) this.memPeak = Math.max(this.memPeak ?? 0, gpu.memoryUsedMiB);
    } finally {
      this.busy = false;
    }
  }

  stop(): GpuSamples {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const n = this.util.length;
    return {
      samples: n,
      utilizationMeanPct: n ? Math.round((this.util.reduce((a, b) => a + b, 0) / n) * 10) / 10 : null,
      utilizationMaxPct: n ? Math.max(...this.util) : null,
      memoryPeakMiB: this.memPeak,
      gpuName: this.name,
    };
  }
}
