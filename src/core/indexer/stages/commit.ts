// Stage 5, commit: one catalog transaction per embedded batch (its photos, their duplicates, and
// the small writes waiting since the last one), after the batch's thumbnails are on disk; then the
// vector index follows the catalog.
import type { Catalog } from '../../catalog/catalog';
import type { ThumbnailStore } from '../thumbnails';
import type { EmbeddedBatch } from './embed';
import type { RunLedger } from './ledger';

/** Where vectors go once committed: the vector index follows the catalog. */
export interface VectorSink {
  add(items: Array<{ label: number; vector: Float32Array }>): void;
  remove(labels: number[]): void;
}

interface CommitContext {
  catalog: Catalog;
  modelId: string;
  ledger: RunLedger;
  thumbnails: ThumbnailStore;
  vectors: VectorSink;
}

export async function commitBatch(batch: EmbeddedBatch, ctx: CommitContext): Promise<void> {
  const { catalog, ledger } = ctx;
  const { items, vectors, dim } = batch;
  // Thumbnails first: once a row says 'indexed', the grid may ask for its thumbnail.
  await Promise.all(items.map((d) => (d.thumbnail ? ctx.thumbnails.put(d.hash, d.thumbnail) : undefined)));
  const added: Array<{ label: number; vector: Float32Array }> = [];
  const writes = ledger.takeWrites();
  const freed = catalog.writeBatch(() => {
    items.forEach((d, i) => {
      const vector = vectors.slice(i * dim, (i + 1) * dim);
      const label = catalog.addEmbedding(ctx.modelId, d.hash, vector);
      added.push({ label, vector });
      catalog.writePhoto({ ...d.write, status: 'indexed' });
      for (const f of ledger.followers(d.hash)) {
        catalog.writePhoto({
          ...d.write,
          folderId: f.folderId,
          path: f.path,
          size: f.size,
          mtimeMs: f.mtimeMs,
          status: 'indexed',
        });
      }
    });
    writes.forEach((w) => w());
  });
  ctx.vectors.add(added);
  ledger.release(freed);
  const p = ledger.progress.state;
  for (const d of items) {
    const followers = ledger.land(d.hash).length;
    p.embedded++;
    p.reused += followers;
    p.processed += 1 + followers;
  }
}
