// `glimpse bench gpu|cpu` (throughput of each indexing stage, end to end, text latency) and
// `glimpse bench photos` (photo-like JPEGs to measure with).
import type { Command } from 'commander';
import type { Workspace } from '../core';
import { describePipeline, makePhotoSet } from '../core';
import type { GlobalOptions, Io } from './common';
import { UsageError } from './common';

type WithWorkspace = <T>(g: GlobalOptions, fn: (workspace: Workspace) => Promise<T>) => Promise<T>;

function list(text: string, name: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (!values.length || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new UsageError(`${name} takes whole numbers separated by commas, got "${text}"`);
  }
  return values;
}

interface BenchCliOptions {
  images: string;
  batchSizes: string;
  seconds: string;
  sessions: string;
  profile?: boolean;
  json?: boolean;
  exactGpuCount: string;
}

export function registerBenchCommands(program: Command, io: Io, withWorkspace: WithWorkspace): void {
  const globals = () => program.opts<GlobalOptions>();
  const bench = program.command('bench').description('measure indexing throughput on this machine');

  for (const target of ['gpu', 'cpu'] as const) {
    bench
      .command(target)
      .description(
        target === 'gpu'
          ? 'model-only, decode-only and end-to-end images/s on the NVIDIA GPU (CUDA provider), text latency, GPU load'
          : 'the same on the CPU provider',
      )
      .requiredOption('--images <dir>', 'a folder of photos (glimpse bench photos makes some)')
      .option('--batch-sizes <list>', 'batch sizes to sweep', target === 'gpu' ? '32,64,128,256' : '1,8,16')
      .option('--seconds <n>', 'seconds per measurement', '8')
      .option('--sessions <n>', 'also run model-only with n sessions taking turns at the best batch', '1')
      .option('--profile', "also profile the model at the best batch (onnxruntime's top ops by time)")
      .option('--json', 'print the report as one JSON object')
      .option('--exact-gpu-count <n>', 'vectors for exact search on the GPU (gpu only; 0 skips)', '1000000')
      .action(async (opts: BenchCliOptions) => {
        const seconds = Number(opts.seconds);
        const exactGpuCount = Number(opts.exactGpuCount);
        if (!Number.isInteger(exactGpuCount) || exactGpuCount < 0)
          throw new UsageError(`--exact-gpu-count takes a whole number, got "${opts.exactGpuCount}"`);
        if (!(seconds > 0)) throw new UsageError(`--seconds must be positive, got "${opts.seconds}"`);
        const sessions = Number(opts.sessions);
        if (!Number.isInteger(sessions) || sessions < 1)
          throw new UsageError(`--sessions takes a whole number ≥ 1, got "${opts.sessions}"`);
        await withWorkspace(globals(), async (workspace) => {
          const report = await workspace.bench({
            target,
            images: opts.images,
            batchSizes: list(opts.batchSizes, '--batch-sizes'),
            seconds,
            sessions,
            profile: opts.profile,
            exactGpuCount,
            onStage: (s) => io.err(`bench: ${s}…\n`),
          });
          if (opts.json) {
            io.out(`${JSON.stringify(report)}\n`);
            return;
          }
          io.out(
            `${report.machine.gpu ?? report.machine.cpu} — ${report.model.id} (${report.model.precision}) on ${report.provider.active}\n`,
          );
          for (const r of report.modelOnly) {
            const gpu =
              r.gpu?.utilizationMeanPct != null
                ? `, GPU ${r.gpu.utilizationMeanPct}% busy, ${r.gpu.memoryPeakMiB} MiB`
                : '';
            io.out(
              `  model only, batch ${String(r.batchSize).padStart(3)}: ${r.imagesPerSecond.toFixed(1)} img/s (${r.msPerBatch.toFixed(1)} ms/batch${gpu})\n`,
            );
          }
          const px = report.modelOnlyFromPixels;
          io.out(
            `  model only from uint8 pixels, batch ${px.batchSize}: ${px.imagesPerSecond.toFixed(1)} img/s (fill ${px.fillMsMean.toFixed(1)} ms, run ${px.runMsMean.toFixed(1)} ms per batch)\n`,
          );
          const turns = report.modelOnlySessions;
          if (turns)
            io.out(
              `  model only, ${turns.sessions} sessions taking turns, batch ${turns.batchSize}: ${turns.imagesPerSecond.toFixed(1)} img/s\n`,
            );
          if (report.profile) {
            const top = report.profile.topOps
              .slice(0, 5)
              .map((o) => `${o.op} ${(o.share * 100).toFixed(0)}%`)
              .join(', ');
            io.out(`  profile, batch ${report.profile.batchSize}: ${top}\n`);
          }
          io.out(
            `  decode: ${report.decodeOneCore.imagesPerSecond.toFixed(1)} img/s on 1 core, ${report.decodeAllCores.imagesPerSecond.toFixed(1)} on ${report.decodeAllCores.concurrency}\n`,
          );
          const gpuDecode = report.decodeGpu.runs
            .map((r) => `${r.imagesPerSecond.toFixed(1)} img/s at batch ${r.batchSize}`)
            .join(', ');
          io.out(`  GPU decode: ${gpuDecode || report.decodeGpu.summary}\n`);
          io.out(
            `  end to end (batch ${report.endToEnd.batchSize}, ${report.endToEnd.decoder} decoding): ${report.endToEnd.imagesPerSecond.toFixed(1)} img/s, efficiency ${report.pipelineEfficiency.toFixed(2)} (${report.bottleneck} bound)\n`,
          );
          if (report.endToEnd.pipeline) io.out(`    ${describePipeline(report.endToEnd.pipeline)}\n`);
          io.out(
            `  text query: p50 ${report.text.p50Ms.toFixed(1)} ms, p95 ${report.text.p95Ms.toFixed(1)} ms\n`,
          );
          const exact = report.exactGpu;
          if (exact && 'error' in exact) io.out(`  exact search on the GPU failed: ${exact.error}\n`);
          else if (exact)
            io.out(
              `  exact search over ${exact.count} vectors: p50 ${exact.p50Ms.toFixed(2)} ms, p95 ${exact.p95Ms.toFixed(2)} ms (${exact.disagreement ?? `${exact.checked} answers match the float32 scan`})\n`,
            );
        });
      });
  }

  bench
    .command('photos')
    .description('write photo-like JPEGs (smooth colour, shapes, sensor noise) to benchmark with')
    .requiredOption('--out <dir>', 'folder to write into')
    .option('--count <n>', 'how many', '200')
    .option('--megapixels <n>', 'size of each', '12')
    .option('--progressive', 'progressive instead of baseline JPEG')
    .action(async (opts: { out: string; count: string; megapixels: string; progressive?: boolean }) => {
      const t0 = performance.now();
      const paths = await makePhotoSet({
        out: opts.out,
        count: Number(opts.count),
        megapixels: Number(opts.megapixels),
        progressive: opts.progressive,
        concurrency: (await import('node:os')).cpus().length,
      });
      io.out(
        `wrote ${paths.length} photos to ${opts.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
      );
    });
}
