// An independent float32 text tower in plain TypeScript, straight from the checkpoint's weights: the
// self-check's yardstick. Causal attention means only the tokens up to end-of-text shape the pooled
// output, so a short caption costs a few tokens' worth of arithmetic, not the whole context.
import type { WeightSource } from './source';
import { BLOCK_PARTS } from './weights';

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

function attention(qkv: Float32Array, n: number, w: number, heads: number): Float32Array {
  const hd = w / heads;
  const scale = 1 / Math.sqrt(hd);
  const o = new Float32Array(n * w);
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < n; i++) {
      // Causal: token i sees tokens 0..i.
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
  return o;
}

/** The pooled, normalised text embeddings of `captions` (token ids; end-of-text = the highest id, as CLIP's
 *  argmax finds). Each weight is read once for all captions. */
export async function referenceTextEmbeddings(
  source: WeightSource,
  captions: number[][],
): Promise<Float32Array[]> {
  const arch = source.arch;
  const t = arch.text;
  const w = t.width;
  const eps = arch.layerNormEps;
  const ends = captions.map((ids) => ids.reduce((best, id, i) => (id > ids[best]! ? i : best), 0));
  const table = await source.read('text.token_embedding');
  const pos = await source.read('text.positional_embedding');
  const xs = captions.map((ids, c) => {
    const n = ends[c]! + 1;
    const x = new Float32Array(n * w);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < w; j++) x[i * w + j] = table[ids[i]! * w + j]! + pos[i * w + j]!;
    return x;
  });
  for (let l = 0; l < t.layers; l++) {
    const parts: Float32Array[] = [];
    // One at a time: a checkpoint reads through a single reused buffer.
    for (const part of BLOCK_PARTS) parts.push(await source.read(`text.blocks.${l}.${part}`));
    const [ln1w, ln1b, qkvW, qkvB, outW, outB, ln2w, ln2b, fc1W, fc1B, fc2W, fc2B] = parts;
    for (const [c, x] of xs.entries()) {
      const n = ends[c]! + 1;
      const qkv = linear(layerNorm(x, ln1w!, ln1b!, eps), n, qkvW!, qkvB!, 3 * w);
      const attn = linear(attention(qkv, n, w, t.heads), n, outW!, outB!, w);
      for (let i = 0; i < x.length; i++) x[i]! += attn[i]!;
      const f = linear(layerNorm(x, ln2w!, ln2b!, eps), n, fc1W!, fc1B!, t.mlpDim);
      for (let i = 0; i < f.length; i++) {
        const v = f[i]!;
        f[i] =
          arch.activation === 'gelu' ? 0.5 * v * (1 + erf(v / Math.SQRT2)) : v / (1 + Math.exp(-1.702 * v));
      }
      const mlp = linear(f, n, fc2W!, fc2B!, w);
      for (let i = 0; i < x.length; i++) x[i]! += mlp[i]!;
    }
  }
  const lnW = await source.read('text.ln_final.weight');
  const lnB = await source.read('text.ln_final.bias');
  const proj = await source.read('text.proj');
  return xs.map((x, c) => {
    const pooled = layerNorm(x.subarray(ends[c]! * w, (ends[c]! + 1) * w), lnW, lnB, eps);
    const y = linear(pooled, 1, proj, null, arch.embedDim);
    const norm = Math.sqrt(y.reduce((a, v) => a + v * v, 0));
    return y.map((v) => v / Math.max(norm, 1e-12));
  });
}
