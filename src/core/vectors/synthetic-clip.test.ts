import { describe, expect, it } from 'vitest';
import { dot } from './exact';
import { ClipLikeVectors, sampleGeometry } from './synthetic-clip';
import { row } from './synthetic';

describe('CLIP-like benchmark vectors', () => {
  it('are unit vectors, and the same seed gives the same ones', () => {
    const a = new ClipLikeVectors({ dim: 64, seed: 5 }).sample(50);
    const b = new ClipLikeVectors({ dim: 64, seed: 5 }).sample(50);
    const c = new ClipLikeVectors({ dim: 64, seed: 6 }).sample(50);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (let r = 0; r < 50; r++) expect(Math.hypot(...row(a, 64, r))).toBeCloseTo(1, 5);
  });

  it('put unrelated photos at the stated mean cosine, around a shared direction', () => {
    const gen = new ClipLikeVectors({ dim: 256, seed: 2, meanCosine: 0.5 });
    expect(sampleGeometry(gen.sample(1500), 256).meanCosine).toBeCloseTo(0.5, 1);
    const narrower = new ClipLikeVectors({ dim: 256, seed: 2, meanCosine: 0.3 });
    expect(sampleGeometry(narrower.sample(1500), 256).meanCosine).toBeCloseTo(0.3, 1);
  });

  it('have the effective rank their spectrum states (participation ratio of a sample)', () => {
    // Bursts correlate neighbouring rows, so the sample-size correction holds for independent rows:
    // one photo per series here, the spectrum itself measured.
    const wide = new ClipLikeVectors({ dim: 1024, seed: 4, burstLength: 1 });
    expect(wide.expectedParticipationRatio).toBeGreaterThan(90);
    expect(wide.expectedParticipationRatio).toBeLessThan(130);
    const measured = sampleGeometry(wide.sample(800), 1024).participationRatio;
    expect(measured / wide.expectedParticipationRatio).toBeGreaterThan(0.85);
    expect(measured / wide.expectedParticipationRatio).toBeLessThan(1.2);
    // A faster decay gives a lower rank, and the sample follows it.
    const rank = (spectrumDecay: number) =>
      sampleGeometry(
        new ClipLikeVectors({ dim: 256, seed: 4, burstLength: 1, spectrumDecay }).sample(800),
        256,
      ).participationRatio;
    expect(rank(1.2)).toBeLessThan(rank(0.8) / 2);
  });

  it('shoot photos in bursts that hold near-duplicates, unlike photos of different series', () => {
    const dim = 128;
    const rows = new ClipLikeVectors({ dim, seed: 9, burstLength: 6 }).sample(600);
    const consecutive = Array.from({ length: 599 }, (_, r) => dot(row(rows, dim, r), row(rows, dim, r + 1)));
    const far = Array.from({ length: 299 }, (_, r) => dot(row(rows, dim, r), row(rows, dim, r + 300)));
    // Most neighbours in shooting order share a series; some are near-duplicates.
    expect(consecutive.filter((c) => c > 0.85).length).toBeGreaterThan(599 * 0.6);
    expect(consecutive.filter((c) => c > 0.97).length).toBeGreaterThan(20);
    expect(far.filter((c) => c > 0.85).length).toBeLessThan(10);
  });

  it('place text-like queries in their own cone, far from every photo', () => {
    const dim = 256;
    const gen = new ClipLikeVectors({ dim, seed: 1 });
    const photos = gen.sample(1000);
    const queries = gen.between(20);
    for (let q = 0; q < 20; q++) {
      let best = -1;
      for (let p = 0; p < 1000; p++) best = Math.max(best, dot(row(queries, dim, q), row(photos, dim, p)));
      expect(best).toBeGreaterThan(0.1);
      expect(best).toBeLessThan(0.5);
    }
  });

  it('refuse a dimension or mean cosine they cannot honour', () => {
    expect(() => new ClipLikeVectors({ dim: 4 })).toThrow(/dim 4/);
    expect(() => new ClipLikeVectors({ dim: 64, meanCosine: 1 })).toThrow(/meanCosine 1/);
  });
});
