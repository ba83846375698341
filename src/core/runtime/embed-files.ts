// Embeds image files outside an indexing run (debug commands, search by an external image): decode
// a batch at a time, skip and report files that cannot be read.
import { decodeForModel } from '../decode/cpu-decode';
import type { Embedder } from './embedder';
import { writeTensor } from './preprocess';

export interface ImageEmbedding {
  file: string;
  vector: Float32Array;
}

export interface ImageFailure {
  file: string;
  code: string;
  reason: string;
}

export async function embedImageFiles(
  embedder: Embedder,
  files: string[],
): Promise<{ embeddings: ImageEmbedding[]; failures: ImageFailure[] }> {
  const spec = embedder.bundle.preprocess;
  const capacity = await embedder.imageBatchSize();
  const embeddings: ImageEmbedding[] = [];
  const failures: ImageFailure[] = [];
  let batch = embedder.allocImageBatch(capacity);
  for (let start = 0; start < files.length; start += capacity) {
    const chunk = files.slice(start, start + capacity);
    const decoded = await Promise.all(
      chunk.map((file) =>
        decodeForModel(file, spec).then(
          (d) => ({ file, rgb: d.rgb }),
          (e: Error & { code?: string; detail?: string }) => ({ file, error: e }),
        ),
      ),
    );
    const ok: string[] = [];
    for (const d of decoded) {
      if ('error' in d)
        failures.push({
          file: d.file,
          code: d.error.code ?? 'unreadable',
          reason: d.error.detail ?? d.error.message,
        });
      else writeTensor(d.rgb, spec, batch, ok.push(d.file) - 1);
    }
    if (!ok.length) continue;
    const run = await embedder.embedImages(batch, ok.length);
    batch = run.data;
    ok.forEach((file, i) =>
      embeddings.push({ file, vector: run.vectors.slice(i * run.dim, (i + 1) * run.dim) }),
    );
  }
  return { embeddings, failures };
}
