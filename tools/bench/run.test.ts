import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from './options';
import { runBench } from './run';

/** The keys the brief promises, each a measured number. */
const MEASURED = [
  'decode_images_per_s',
  'decode_images_per_s_1core',
  'decode_naive_resize_images_per_s',
  'decode_naive_resize_images_per_s_1core',
  'decode_vs_naive_ratio',
  'decode_vs_naive_ratio_median_round',
  'embed_images_per_s',
  'embed_direct_ort_images_per_s',
  'embed_vs_direct_ort_ratio',
  'embed_vs_direct_ort_ratio_median_round',
  'end_to_end_images_per_s',
  'pipeline_efficiency',
  'rescan_seconds',
  'rescan_readdir_stat_seconds',
  'rescan_vs_readdir_stat_ratio',
  'rescan_vs_readdir_stat_ratio_median_round',
  'hnsw_recall_at_10',
  'hnsw_query_p50_ms',
  'hnsw_query_p95_ms',
  'hnsw_build_seconds',
  'hnsw_exact_query_p50_ms',
  'hnsw_inserts_per_second',
  'hnsw_inserts_per_second_one_thread',
];

describe('npm run bench at toy sizes', () => {
  let cache: string;
  let report: Record<string, unknown>;
  const lines: string[] = [];
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'glimpse-bench-run-'));
    const opts = parseOptions(
      `--cache ${cache} --photos 3 --megapixels 0.5 --seconds 0.4 --rounds 2 --rescan-files 300 --hnsw-count 600 --hnsw-dim 32 --hnsw-queries 10`.split(
        ' ',
      ),
    );
    report = await runBench(opts, (line) => lines.push(line));
  }, 180_000);
  afterAll(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it('reports every promised measurement as a positive number', () => {
    for (const key of MEASURED) {
      expect(typeof report[key], key).toBe('number');
      expect(report[key] as number, key).toBeGreaterThan(0);
    }
    expect(report.end_to_end_failed).toBe(0);
    expect(report.hnsw_recall_at_10 as number).toBeLessThanOrEqual(1);
  });

  it('measures the vector index on each distribution, the same keys for each', () => {
    const by = report.hnsw_by_distribution as Record<string, Record<string, unknown>>;
    expect(Object.keys(by)).toEqual(['clip', 'isotropic']);
    for (const name of ['clip', 'isotropic']) {
      for (const key of ['hnsw_recall_at_10', 'hnsw_query_p50_ms', 'hnsw_inserts_per_second_one_thread'])
        expect(by[name]![key] as number, `${name} ${key}`).toBeGreaterThan(0);
      expect((by[name]!.detail as { distribution: string }).distribution).toBe(name);
    }
    expect(report.hnsw_recall_at_10).toBe(by.clip!.hnsw_recall_at_10);
  });

  it('pairs each ratio with the two numbers it divides', () => {
    const r = report as Record<string, number>;
    // Reported values are rounded to 3 decimals, and toy-sized timings are hundredths of a second.
    const near = (actual: number, expected: number) =>
      expect(Math.abs(actual / expected - 1)).toBeLessThan(0.1);
    near(r.decode_vs_naive_ratio!, r.decode_images_per_s! / r.decode_naive_resize_images_per_s!);
    near(r.rescan_vs_readdir_stat_ratio!, r.rescan_seconds! / r.rescan_readdir_stat_seconds!);
    // The limiting stage is measured again beside end to end; the other comes from its own stage.
    const bottleneck = report.pipeline_bottleneck as 'decode' | 'model';
    const paired = r[`end_to_end_paired_${bottleneck}_images_per_s`]!;
    const other = bottleneck === 'decode' ? r.embed_images_per_s! : r.decode_images_per_s!;
    near(r.pipeline_efficiency!, r.end_to_end_images_per_s! / Math.min(paired, other));
  });

  it('says what it ran on, with which sizes, and how loaded the machine was', () => {
    const machine = report.machine as Record<string, unknown>;
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
    expect(report.load_average_start).toHaveLength(3);
    expect(report.load_average_end).toHaveLength(3);
    expect(report.sizes).toMatchObject({
      photos: 3,
      rescan_files: 300,
      hnsw_count: 600,
      hnsw_dim: 32,
      rounds: 2,
    });
    expect(lines.some((l) => l.startsWith('rescan:'))).toBe(true);
  });

  it('says which stage limited the end-to-end run, with per-stage timings of its batches', () => {
    expect(['read', 'decode', 'fill', 'embed', 'commit']).toContain(report.end_to_end_limited_by);
    const stages = report.end_to_end_stage_ms as Record<string, { totalMs: number }>;
    expect(stages.embed!.totalMs).toBeGreaterThan(0);
    expect(stages.decode!.totalMs).toBeGreaterThan(0);
    expect(report.end_to_end_model_busy as number).toBeGreaterThan(0);
  });

  it('comes out as one JSON object', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
