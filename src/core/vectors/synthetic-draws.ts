// The random draws the synthetic vector generators share: standard normals from a seeded uniform source,
// and rescaling a row to unit length.

/** Standard normal numbers drawn from `uniform` by Box–Muller, keeping the second value of each pair. */
export function gaussianSource(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Scales `dim` floats of `v` from `offset` to unit length, in place. */
export function normaliseInPlace(v: Float32Array, offset: number, dim: number): void {
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += v[offset + i]! * v[offset + i]!;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < dim; i++) v[offset + i]! *= scale;
}
