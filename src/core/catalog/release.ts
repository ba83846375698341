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

/** Removes the freed labels from the index now; the thumbnails' removal is what the promise awaits. */
export function releaseFreed(freed: readonly FreedVector[], to: FreedTargets): Promise<void> {
  if (!freed.length) return Promise.resolve();
  to.sink.remove(freed.filter((f) => f.modelId === to.modelId).map((f) => f.label));
  return Promise.all(freed.map((f) => to.thumbnails.remove(f.hash))).then(() => {});
}
