// Checks of the catalog on its own: SQLite's integrity and foreign keys, embeddings no photo shows,
// and the index deletion journal the vector index replays when it opens.
import type { Check, CheckContext } from './check-types';
import { EXAMPLES } from './check-types';

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** The index record the catalog keeps for a model's saved index file (written by Library.saveIndex). */
function indexRecord(ctx: CheckContext): { deletionSeq: number } | null {
  const raw = ctx.catalog.getMeta(`index:${ctx.modelId}`);
  if (!raw) return null;
  try {
    const record = JSON.parse(raw) as { deletionSeq?: unknown };
    return typeof record.deletionSeq === 'number' ? { deletionSeq: record.deletionSeq } : null;
  } catch {
    return null;
  }
}

export const sqliteIntegrity: Check = {
  id: 'sqlite-integrity',
  title: 'SQLite integrity of library.db',
  async find({ catalog }) {
    const messages = catalog.db.pragma('integrity_check', { simple: false }) as Array<{
      integrity_check: string;
    }>;
    const problems = messages.map((m) => m.integrity_check).filter((m) => m !== 'ok');
    return {
      found: problems.length,
      examples: problems.slice(0, EXAMPLES),
      advice: `${catalog.file} is damaged: restore it from a backup, or index the folders into a new library`,
      // Rebuilding every index from its table is always safe; damage to the tables themselves remains.
      repair: async () => {
        catalog.db.exec('REINDEX');
      },
    };
  },
};

export const foreignKeys: Check = {
  id: 'foreign-keys',
  title: 'every photo belongs to a library folder',
  async find(ctx) {
    const { catalog } = ctx;
    const rows = catalog.db.pragma('foreign_key_check') as Array<{ table: string; rowid: number }>;
    const photoIds = rows.filter((r) => r.table === 'photos').map((r) => r.rowid);
    const examples = photoIds
      .slice(0, EXAMPLES)
      .map((id) => catalog.photo(id)?.path ?? `photo ${id}`)
      .concat(rows.filter((r) => r.table !== 'photos').map((r) => `${r.table} row ${r.rowid}`))
      .slice(0, EXAMPLES);
    return {
      found: rows.length,
      examples,
      advice: rows.length > photoIds.length ? 'rows other than photos break a foreign key' : undefined,
      // Photos of no folder are never scanned, so never swept: forgetting them is what removing
      // their folder would have done.
      repair: async () => {
        const freed = catalog.deletePhotos(photoIds);
        ctx.sink.remove(freed.filter((f) => f.modelId === ctx.modelId).map((f) => f.label));
        await Promise.all(freed.map((f) => ctx.thumbnails.remove(f.hash)));
      },
    };
  },
};

export const orphanEmbeddings: Check = {
  id: 'orphan-embeddings',
  title: 'every stored vector belongs to a photo',
  async find(ctx) {
    const { catalog } = ctx;
    const orphans = catalog.db
      .prepare(
        `SELECT label, model_id AS modelId, hash FROM embeddings e
         WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.hash = e.hash AND p.status = 'indexed')`,
      )
      .all() as Array<{ label: number; modelId: string; hash: string }>;
    return {
      found: orphans.length,
      examples: orphans.slice(0, EXAMPLES).map((o) => `label ${o.label} (${o.modelId}, ${short(o.hash)})`),
      // Exactly what the catalog does when the last photo of a content goes: delete and journal.
      repair: async () => {
        const freed = catalog.releaseUnused(orphans.map((o) => o.hash));
        ctx.sink.remove(freed.filter((f) => f.modelId === ctx.modelId).map((f) => f.label));
        await Promise.all(freed.map((f) => ctx.thumbnails.remove(f.hash)));
      },
    };
  },
};

export const deletionJournal: Check = {
  id: 'deletion-journal',
  title: 'the index deletion journal names only deleted vectors',
  async find(ctx) {
    const { catalog } = ctx;
    // Replaying one of these on open would drop a vector that is still in use.
    const live = catalog.db
      .prepare(
        `SELECT d.seq, d.label FROM index_deletions d JOIN embeddings e ON e.label = d.label ORDER BY d.seq`,
      )
      .all() as Array<{ seq: number; label: number }>;
    // Entries the saved index file already reflects are pruned when it is saved; leftovers mean a
    // save was interrupted between the file and the catalog.
    const record = indexRecord(ctx);
    const stale = record
      ? (catalog.db
          .prepare(`SELECT COUNT(*) FROM index_deletions WHERE model_id = ? AND seq <= ?`)
          .pluck()
          .get(ctx.modelId, record.deletionSeq) as number)
      : 0;
    return {
      found: live.length + stale,
      examples: [
        ...live.slice(0, EXAMPLES).map((d) => `entry ${d.seq} deletes label ${d.label}, which is in use`),
        ...(stale ? [`${stale} entries the saved index already reflects`] : []),
      ].slice(0, EXAMPLES),
      repair: async () => {
        const del = catalog.db.prepare(`DELETE FROM index_deletions WHERE seq = ?`);
        catalog.transaction(() => {
          for (const d of live) del.run(d.seq);
          if (record) catalog.pruneDeletions(ctx.modelId, record.deletionSeq);
        });
      },
    };
  },
};
