// What follows the catalog releasing vectors (a photo's content shown nowhere any more): the vector
// index drops the active model's labels and the thumbnail cache the contents' images. Every writer —
// the indexer, removing a folder, check --repair — goes through here.
import type { FreedVector } from './rows';

export interface FreedTargets {
  /** The model whose vector index `sink` is: other models' labels are not in it. */
  modelId: string;
  sink: { remove(labels: number[]): void };
  thumbnails: { remove(hash: string): Promise<unknown> };
}

/** Removes the freed labels from the index now; the thumbnails' removal is what the promise awaits —
 *  all of them, even when one fails (the indexer's run ends only once the cache matches the catalog),
 *  and then the first failure rejects it. */
export async function releaseFreed(freed: readonly FreedVector[], to: FreedTargets): Promise<void> {
  if (!freed.length) return;
  to.sink.remove(freed.filter((f) => f.modelId === to.modelId).map((f) => f.label));
  const removed = await Promise.allSettled(freed.map((f) => to.thumbnails.remove(f.hash)));
  const failed = removed.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
