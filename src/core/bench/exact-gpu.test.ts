import { describe, expect, it } from 'vitest';
import { benchExactGpu } from './exact-gpu';

describe("glimpse bench gpu's exact-search stage", () => {
  it('times queries against the vectors on the provider and checks answers against a float32 scan', async () => {
    const run = await benchExactGpu({ count: 3000, dim: 64, queries: 20, checked: 4, provider: 'cpu' });
    expect(run).toMatchObject({ count: 3000, dim: 64, provider: 'cpu', checked: 4, disagreement: null });
    expect(run.p50Ms).toBeGreaterThan(0);
    expect(run.p95Ms).toBeGreaterThanOrEqual(run.p50Ms);
    expect(run.buildSeconds).toBeGreaterThan(0);
  });
});
