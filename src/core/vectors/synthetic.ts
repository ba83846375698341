// Seeded stand-ins for CLIP image vectors (Gaussian clusters on the unit sphere), for the index's tests
// and benchmark where real photo embeddings are not at hand; the same seed gives the same vectors.
import { mulberry32 } from '../random';
import { gaussianSource, normaliseInPlace } from './synthetic-draws';

interface ClusteredOptions {
  dim: number;
  /** Number of clusters ("topics"); 100 by default, as a photo library has a few dozen recurring scenes. */
  clusters?: number;
  seed?: number;
  /**
   * Expected norm of a point's offset from its unit cluster centre before renormalising. 0.75 puts a
   * point at cosine ≈ 0.8 from its centre and two points of one cluster at ≈ 0.64, near what CLIP gives
   * for photos of one scene; points of different clusters are near-orthogonal.
   */
  spread?: number;
}

export class ClusteredVectors {
  readonly dim: number;
  private readonly centres: Float32Array;
  private readonly clusterCount: number;
  private readonly spread: number;
  private readonly uniform: () => number;
  private readonly gaussian: () => number;

  constructor(opts: ClusteredOptions) {
    this.dim = opts.dim;
    this.clusterCount = opts.clusters ?? 100;
    this.spread = opts.spread ?? 0.75;
    this.uniform = mulberry32(opts.seed ?? 1);
    this.gaussian = gaussianSource(this.uniform);
    this.centres = new Float32Array(this.clusterCount * this.dim);
    for (let c = 0; c < this.clusterCount; c++) this.unitGaussian(this.centres, c * this.dim, 1);
  }

  /** `n` unit vectors, row-major, each around a uniformly chosen cluster centre. */
  sample(n: number): Float32Array {
    const out = new Float32Array(n * this.dim);
    for (let r = 0; r < n; r++) this.point(out, r * this.dim, [this.cluster()]);
    return out;
  }

  /**
   * `n` unit queries that fall between two clusters (the normalised mix of two centres plus noise):
   * far from every stored point, the harder case for a graph built among the points, as text queries
   * that name two things at once are.
   */
  between(n: number): Float32Array {
    const out = new Float32Array(n * this.dim);
    for (let r = 0; r < n; r++) this.point(out, r * this.dim, [this.cluster(), this.cluster()]);
    return out;
  }

  private cluster(): number {
    return Math.floor(this.uniform() * this.clusterCount);
  }

  private point(out: Float32Array, offset: number, clusters: number[]): void {
    const dim = this.dim;
    this.unitGaussian(out, offset, this.spread);
    for (const c of clusters) {
      for (let i = 0; i < dim; i++) out[offset + i]! += this.centres[c * dim + i]!;
    }
    normaliseInPlace(out, offset, dim);
  }

  /** Fills dim floats with a Gaussian vector of expected norm `norm` (then renormalised if norm is 1). */
  private unitGaussian(out: Float32Array, offset: number, norm: number): void {
    const scale = norm / Math.sqrt(this.dim);
    for (let i = 0; i < this.dim; i++) out[offset + i] = this.gaussian() * scale;
    if (norm === 1) normaliseInPlace(out, offset, this.dim);
  }
}

/** Row `r` of a row-major matrix as a view (no copy). */
export function row(rows: Float32Array, dim: number, r: number): Float32Array {
  return rows.subarray(r * dim, (r + 1) * dim);
}
