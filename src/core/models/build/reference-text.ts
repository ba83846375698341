// An independent float32 text tower in plain TypeScript, straight from the checkpoint's weights: the
// self-check's yardstick. Causal attention means only the tokens up to end-of-text shape the pooled
// output, so a short caption costs a few tokens' worth of arithmetic, not the whole context.
import type { WeightSource } from './source';

function layerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number): Float32Array {
  const w = gamma.length;
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / w; r++) {
    let mean = 0;
    for (let i = 0; i < w; i++) mean += x[r * w + i]!;
    mean /= w;
    let v = 0;
    for (let i = 0; i < w; i++) v += (x[r * w + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / w + eps);
    for (let i = 0; i < w; i++) out[r * w + i] = (x[r * w + i]! - mean) * inv * gamma[i]! + beta[i]!;
  }
  return out;
}

/** (n×k) · (k×m) + bias, the weight in [in, out] layout as the graph stores it. */
function linear(
  x: Float32Array,
  n: number,
  weight: Float32Array,
  bias: Float32Array | null,
  m: number,
): Float32Array {
  const k = weight.length / m;
  const out = new Float32Array(n * m);
  for (let r = 0; r < n; r++) {
    const row = out.subarray(r * m, (r + 1) * m);
    if (bias) row.set(bias);
    for (let i = 0; i < k; i++) {
      const a = x[r * k + i]!;
      if (a === 0) continue;
      const wRow = i * m;
      for (let j = 0; j < m; j++) row[j]! += a * weight[wRow + j]!;
    }
  }
  return out;
}

/** erf to ~1e-7 (Abramowitz & Stegun 7.1.26 is 1.5e-7): plenty against a float32 graph. */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a);
  return s * y;
}

/** The pooled, normalised text embedding of `ids` (end-of-text = the highest id, as CLIP's argmax finds). */
export async function referenceTextEmbedding(source: WeightSource, ids: number[]): Promise<Float32Array> {
  const arch = source.arch;
  const t = arch.text;
  const w = t.width;
  const eps = arch.layerNormEps;
  let eot = 0;
  for (let i = 1; i < ids.length; i++) if (ids[i]! > ids[eot]!) eot = i;
  const n = eot + 1;
  const table = await source.read('text.token_embedding');
  const pos = await source.read('text.positional_embedding');
  let x = new Float32Array(n * w);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < w; j++) x[i * w + j] = table[ids[i]! * w + j]! + pos[i * w + j]!;

  const heads = t.heads;
  const hd = w / heads;
  const scale = 1 / Math.sqrt(hd);
  for (let l = 0; l < t.layers; l++) {
    const p = (part: string) => source.read(`text.blocks.${l}.${part}`);
    const h = layerNorm(x, await p('ln_1.weight'), await p('ln_1.bias'), eps);
    const qkv = linear(h, n, await p('qkv.weight'), await p('qkv.bias'), 3 * w);
    const o = new Float32Array(n * w);
    for (let head = 0; head < heads; head++) {
      for (let i = 0; i < n; i++) {
        const scores = new Float64Array(i + 1);
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let d = 0; d < hd; d++)
            s += qkv[i * 3 * w + head * hd + d]! * qkv[j * 3 * w + w + head * hd + d]!;
          scores[j] = s * scale;
          max = Math.max(max, scores[j]!);
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) sum += scores[j] = Math.exp(scores[j]! - max);
        for (let j = 0; j <= i; j++)
          for (let d = 0; d < hd; d++)
            o[i * w + head * hd + d]! += (scores[j]! / sum) * qkv[j * 3 * w + 2 * w + head * hd + d]!;
      }
    }
    const attn = linear(o, n, await p('attn_out.weight'), await p('attn_out.bias'), w);
    for (let i = 0; i < x.length; i++) x[i]! += attn[i]!;
    const h2 = layerNorm(x, await p('ln_2.weight'), await p('ln_2.bias'), eps);
    const f = linear(h2, n, await p('fc1.weight'), await p('fc1.bias'), t.mlpDim);
    for (let i = 0; i < f.length; i++) {
      const v = f[i]!;
      f[i] =
        arch.activation === 'gelu' ? 0.5 * v * (1 + erf(v / Math.SQRT2)) : v / (1 + Math.exp(-1.702 * v));
    }
    const mlp = linear(f, n, await p('fc2.weight'), await p('fc2.bias'), w);
    x = x.map((v, i) => v + mlp[i]!);
  }
  const pooled = layerNorm(
    x.subarray(eot * w, (eot + 1) * w),
    await source.read('text.ln_final.weight'),
    await source.read('text.ln_final.bias'),
    eps,
  );
  const y = linear(pooled, 1, await source.read('text.proj'), null, arch.embedDim);
  const norm = Math.sqrt(y.reduce((a, v) => a + v * v, 0));
  return y.map((v) => v / Math.max(norm, 1e-12));
}
