// What a library knows of the model that made its vectors — their dimension (read from the stored
// vectors) and the fingerprint of the bundle (kept in the catalog's meta) — checked when the library
// opens, so that vectors of two different models are never mixed under one model id.
import type { Catalog } from './catalog';

export class ModelMismatchError extends Error {
  readonly code = 'MODEL_MISMATCH';
  constructor(message: string) {
    super(message);
    this.name = 'ModelMismatchError';
  }
}

const fingerprintKey = (modelId: string) => `bundle-fingerprint:${modelId}`;
/** The same key Library uses for its index record. */
const indexRecordKey = (modelId: string) => `index:${modelId}`;

const REEMBED_HINT =
  '`glimpse index --reembed` forgets those vectors and embeds every photo again with the installed model';

interface ModelFacts {
  /** The library folder, for messages. */
  dir: string;
  modelId: string;
  dim: number;
  /** The installed bundle's fingerprint; null when unknown (a bundle not installed by Glimpse). */
  fingerprint: string | null;
  /** May the catalog be written (remember the fingerprint)? */
  writable: boolean;
}

/** Throws ModelMismatchError naming the model when the library's vectors for it came from another
 *  model; otherwise remembers the bundle's fingerprint (the first time, or when no vectors exist). */
export function checkModelVectors(catalog: Catalog, m: ModelFacts): void {
  const stored = catalog.db
    .prepare('SELECT COUNT(*) AS n, MIN(length(vector)) / 4 AS dim FROM embeddings WHERE model_id = ?')
    .get(m.modelId) as { n: number; dim: number | null };
  if (stored.n > 0 && stored.dim !== m.dim) {
    throw new ModelMismatchError(
      `model ${m.modelId} gives ${m.dim}-dimensional vectors, but the ${stored.n} vectors the library ` +
        `${m.dir} holds for ${m.modelId} have ${stored.dim}: another model was installed under the same ` +
        `id. ${REEMBED_HINT}`,
    );
  }
  if (!m.fingerprint) return;
  const known = catalog.getMeta(fingerprintKey(m.modelId));
  if (known && known !== m.fingerprint && stored.n > 0) {
    throw new ModelMismatchError(
      `the ${stored.n} vectors the library ${m.dir} holds for ${m.modelId} were made by a different ` +
        `build of that model (bundle fingerprint ${known.slice(0, 12)}…, installed now ${m.fingerprint.slice(0, 12)}…); ` +
        `they cannot be mixed with new ones. ${REEMBED_HINT}`,
    );
  }
  if (known !== m.fingerprint && m.writable) catalog.setMeta(fingerprintKey(m.modelId), m.fingerprint);
}

/** Forgets every vector of `modelId` (and its index record), so the next index run embeds anew. */
export function forgetModelVectors(catalog: Catalog, modelId: string): number {
  const forget = catalog.db.transaction(() => {
    const n = catalog.db.prepare('DELETE FROM embeddings WHERE model_id = ?').run(modelId).changes;
    catalog.db.prepare('DELETE FROM index_deletions WHERE model_id = ?').run(modelId);
    catalog.db
      .prepare('DELETE FROM meta WHERE key IN (?, ?)')
      .run(indexRecordKey(modelId), fingerprintKey(modelId));
    return n;
  });
  return forget();
}
