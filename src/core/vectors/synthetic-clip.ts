// Seeded stand-ins for CLIP image vectors that keep CLIP's geometry (a shared mean direction, a decaying
// spectrum, bursts of near-duplicates): the realistic case beside synthetic.ts's isotropic worst case.
// The model and where its numbers come from: tools/bench/README.md, "CLIP-like vectors".
import { mulberry32 } from '../random';
import { gaussianSource, normaliseInPlace } from './synthetic-draws';

interface ClipLikeOptions {
  dim: number;
  seed?: number;
  /** Expected cosine between two unrelated photos: the weight of the shared mean direction (0.5). */
  meanCosine?: number;
  /** Power-law exponent of the covariance spectrum, λᵢ ∝ i^−α; 0.8 gives an effective rank of ~107 at 1024-d. */
  spectrumDecay?: number;
  /** Scenes a library returns to (a home, a beach, a pet); photos pick one at random. */
  scenes?: number;
  /** Mean photos per burst (one series: the same scene shot again and again within minutes). */
  burstLength?: number;
  /** Share of a burst's photos that are near-duplicates of the series (cosine ≈ 0.98 to it). */
  nearDuplicateShare?: number;
}

/** How a photo's variance (after the mean direction) splits over scene, series and the shot itself. */
const SCENE_SHARE = 0.45;
const SERIES_SHARE = 0.35;
const SHOT_SHARE = 0.2;
/** A near-duplicate's own noise, as a share of the shot noise an ordinary photo of the series gets. */
const NEAR_DUPLICATE_NOISE = 0.4;
/** Cosine of a text-like query with the image mean direction: text sits in its own cone (the modality gap). */
const TEXT_GAP_COSINE = 0.3;

export class ClipLikeVectors {
  readonly dim: number;
  readonly meanCosine: number;
  /** (Σλ)² / Σλ²: the effective rank the covariance of the generated photos should show. */
  readonly expectedParticipationRatio: number;
  private readonly mean: Float32Array;
  private readonly textMean: Float32Array;
  private readonly scale: Float32Array;
  private readonly scenes: Float32Array[];
  private readonly burstLength: number;
  private readonly nearDuplicateShare: number;
  private readonly uniform: () => number;
  private readonly gaussian: () => number;
  private series: Float32Array | null = null;
  private burstLeft = 0;

  constructor(opts: ClipLikeOptions) {
    const { dim } = opts;
    if (!Number.isInteger(dim) || dim < 8) throw new RangeError(`ClipLikeVectors: dim ${dim} is below 8`);
    this.dim = dim;
    this.meanCosine = opts.meanCosine ?? 0.5;
    if (!(this.meanCosine >= 0 && this.meanCosine < 1))
      throw new RangeError(`ClipLikeVectors: meanCosine ${this.meanCosine} is outside [0, 1)`);
    this.burstLength = opts.burstLength ?? 6;
    this.nearDuplicateShare = opts.nearDuplicateShare ?? 0.3;
    this.uniform = mulberry32(opts.seed ?? 1);
    this.gaussian = gaussianSource(this.uniform);
    const decay = opts.spectrumDecay ?? 0.8;
    // Spectrum on the coordinate axes: inner products, and so every index, are rotation-invariant.
    this.scale = new Float32Array(dim);
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < dim; i++) {
      const lambda = Math.pow(i + 1, -decay);
      sum += lambda;
      sumSquares += lambda * lambda;
      this.scale[i] = Math.sqrt(lambda);
    }
    this.expectedParticipationRatio = (sum * sum) / sumSquares;
    for (let i = 0; i < dim; i++) this.scale[i]! /= Math.sqrt(sum); // a draw has expected norm 1
    this.mean = this.isotropicUnit();
    this.textMean = this.isotropicUnit();
    this.scenes = Array.from({ length: opts.scenes ?? 1000 }, () => this.shaped(Math.sqrt(SCENE_SHARE)));
  }

  /** `n` unit photo vectors, row-major, in shooting order (bursts of one series are consecutive). */
  sample(n: number): Float32Array {
    const out = new Float32Array(n * this.dim);
    for (let r = 0; r < n; r++) this.photo(out, r * this.dim);
    return out;
  }

  /**
   * `n` unit text-like queries naming two scenes at once: in their own cone (cosine TEXT_GAP_COSINE
   * with the image mean), so far from every photo, as CLIP's text embeddings are (cosine ~0.3 with
   * the photos they match).
   */
  between(n: number): Float32Array {
    const out = new Float32Array(n * this.dim);
    const dim = this.dim;
    for (let r = 0; r < n; r++) {
      const a = this.scenes[this.pick(this.scenes.length)]!;
      const b = this.scenes[this.pick(this.scenes.length)]!;
      const noise = this.shaped(Math.sqrt(SHOT_SHARE));
      const o = r * dim;
      for (let i = 0; i < dim; i++) out[o + i] = a[i]! + b[i]! + noise[i]!;
      normaliseInPlace(out, o, dim);
      const w = Math.sqrt(1 - TEXT_GAP_COSINE * TEXT_GAP_COSINE);
      for (let i = 0; i < dim; i++) out[o + i] = TEXT_GAP_COSINE * this.textMean[i]! + w * out[o + i]!;
      normaliseInPlace(out, o, dim);
    }
    return out;
  }

  private photo(out: Float32Array, offset: number): void {
    const dim = this.dim;
    if (this.burstLeft <= 0 || !this.series) {
      const scene = this.scenes[this.pick(this.scenes.length)]!;
      const offsetFromScene = this.shaped(Math.sqrt(SERIES_SHARE));
      for (let i = 0; i < dim; i++) offsetFromScene[i]! += scene[i]!;
      this.series = offsetFromScene;
      // Geometric burst lengths with the given mean: most series are short, a few are long.
      this.burstLeft = 1 + Math.floor(Math.log(1 - this.uniform()) / Math.log(1 - 1 / this.burstLength));
    }
    this.burstLeft--;
    const shot =
      Math.sqrt(SHOT_SHARE) * (this.uniform() < this.nearDuplicateShare ? NEAR_DUPLICATE_NOISE : 1);
    const noise = this.shaped(shot);
    for (let i = 0; i < dim; i++) out[offset + i] = this.series[i]! + noise[i]!;
    normaliseInPlace(out, offset, dim);
    // Unit mean direction plus an orthogonal-in-expectation unit part: cos(two unrelated) ≈ meanCosine.
    const a = Math.sqrt(this.meanCosine);
    const b = Math.sqrt(1 - this.meanCosine);
    for (let i = 0; i < dim; i++) out[offset + i] = a * this.mean[i]! + b * out[offset + i]!;
    normaliseInPlace(out, offset, dim);
  }

  /** A Gaussian vector with the decaying spectrum and expected norm `norm`. */
  private shaped(norm: number): Float32Array {
    const v = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) v[i] = this.gaussian() * this.scale[i]! * norm;
    return v;
  }

  private isotropicUnit(): Float32Array {
    const v = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) v[i] = this.gaussian();
    normaliseInPlace(v, 0, this.dim);
    return v;
  }

  private pick(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/**
 * Statistics of `n` row-major unit vectors: the mean cosine between distinct rows, and the participation
 * ratio (Σλ)²/Σλ² of the centred sample covariance (from the n×n Gram matrix, as tr C = tr G / n and
 * tr C² = ‖G‖²_F / n²), corrected for the 1/n bias a finite sample adds to Σλ²/(Σλ)².
 */
export function sampleGeometry(
  rows: Float32Array,
  dim: number,
): { meanCosine: number; participationRatio: number } {
  const n = rows.length / dim;
  if (!Number.isInteger(n) || n < 3) throw new RangeError(`sampleGeometry: need ≥ 3 rows of ${dim}`);
  const centre = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let i = 0; i < dim; i++) centre[i]! += rows[r * dim + i]! / n;
  let centreNorm = 0;
  for (let i = 0; i < dim; i++) centreNorm += centre[i]! * centre[i]!;
  // Σ_{r≠s} x_r·x_s = ‖Σx‖² − Σ‖x‖² (rows are unit).
  const cosSum = n * n * centreNorm - n;
  const centred = new Float64Array(n * dim);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < dim; i++) centred[r * dim + i] = rows[r * dim + i]! - centre[i]!;
  let trace = 0;
  let frobenius = 0;
  for (let r = 0; r < n; r++) {
    for (let s = r; s < n; s++) {
      let g = 0;
      for (let i = 0; i < dim; i++) g += centred[r * dim + i]! * centred[s * dim + i]!;
      if (r === s) {
        trace += g;
        frobenius += g * g;
      } else frobenius += 2 * g * g;
    }
  }
  const observed = (trace * trace) / frobenius;
  return { meanCosine: cosSum / (n * (n - 1)), participationRatio: 1 / Math.max(1e-9, 1 / observed - 1 / n) };
}
