import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../../test/helpers/cli';
import { writeSolidPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-bench-cli-'));
let model: string;

beforeAll(async () => {
  model = await testModelDir('float16');
  const colours: Array<[number, number, number]> = [
    [200, 30, 30],
    [30, 200, 30],
    [30, 30, 200],
    [220, 220, 40],
  ];
  await Promise.all(
    colours.map((c, i) => writeSolidPhoto(join(dir, 'photos', `p${i}.jpg`), c, { width: 320, height: 240 })),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glimpse bench cpu', () => {
  it('adds sessions taking turns and the profile to the report, keeping its keys', async () => {
    const args = ['--model', model, '--library', join(dir, 'lib'), 'bench', 'cpu'];
    const r = await glimpse([
      ...args,
      ...['--images', join(dir, 'photos'), '--batch-sizes', '2,4', '--seconds', '0.2'],
      ...['--sessions', '2', '--profile', '--json'],
    ]);
    expect(r.err).not.toMatch(/glimpse:/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    // The keys the device runs' JSON has always had.
    expect(report.modelOnly[0].imagesPerSecond).toBeGreaterThan(0);
    expect(report.decodeAllCores.imagesPerSecond).toBeGreaterThan(0);
    expect(report.endToEnd.imagesPerSecond).toBeGreaterThan(0);
    expect(report.pipelineEfficiency).toBeGreaterThan(0);
    // New: load, warm-up and placement of the session, feeding pixels, two sessions taking turns, and the profile.
    expect(report.provider).toMatchObject({ active: 'cpu', placement: { memcpyNodes: 0, cpuNodes: 0 } });
    expect(report.provider.warmMs).toBeGreaterThan(0);
    expect(report.modelOnlyFromPixels).toMatchObject({ batchSize: report.bestBatch });
    expect(report.modelOnlyFromPixels.imagesPerSecond).toBeGreaterThan(0);
    expect(report.modelOnlyFromPixels.fillMsMean).toBeGreaterThan(0);
    expect(report.modelOnlySessions).toMatchObject({ sessions: 2, batchSize: report.bestBatch });
    expect(report.modelOnlySessions.imagesPerSecond).toBeGreaterThan(0);
    expect(report.profile).toMatchObject({ provider: 'cpu', batchSize: report.bestBatch, runs: 10 });
    expect(report.profile.msPerRun).toBeGreaterThan(0);
    expect(report.profile.topOps.length).toBeGreaterThan(0);
    const shares = report.profile.topOps.map((o: { share: number }) => o.share);
    expect(shares).toEqual([...shares].sort((a: number, b: number) => b - a));
  }, 120_000);

  it('refuses a session count that is not a whole number', async () => {
    const r = await glimpse(['--model', model, 'bench', 'cpu', '--images', dir, '--sessions', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--sessions takes a whole number ≥ 1, got "0"/);
  });
});
