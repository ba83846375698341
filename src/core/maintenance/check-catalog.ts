// Checks of the catalog on its own: SQLite's integrity and foreign keys, embeddings no photo shows,
// and the index deletion journal the vector index replays when it opens.
import { releaseFreed } from '../catalog/catalog';
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
    const problems = catalog.maintenance.integrityProblems();
    return {
      found: problems.length,
      examples: problems.slice(0, EXAMPLES),
      advice: `${catalog.file} is damaged: restore it from a backup, or index the folders into a new library`,
      // Rebuilding every index from its table is always safe; damage to the tables themselves remains.
      repair: async () => catalog.maintenance.reindex(),
    };
  },
};

export const foreignKeys: Check = {
  id: 'foreign-keys',
  title: 'every photo belongs to a library folder',
  async find(ctx) {
    const { catalog } = ctx;
    const rows = catalog.maintenance.foreignKeyViolations();
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
      repair: async () => releaseFreed(catalog.deletePhotos(photoIds), ctx),
    };
  },
};

export const orphanEmbeddings: Check = {
  id: 'orphan-embeddings',
  title: 'every stored vector belongs to a photo',
  async find(ctx) {
    const { catalog } = ctx;
    const orphans = catalog.maintenance.orphanEmbeddings();
    return {
      found: orphans.length,
      examples: orphans.slice(0, EXAMPLES).map((o) => `label ${o.label} (${o.modelId}, ${short(o.hash)})`),
      // Exactly what the catalog does when the last photo of a content goes: delete and journal.
      repair: async () => releaseFreed(catalog.releaseUnused(orphans.map((o) => o.hash)), ctx),
    };
  },
};

export const deletionJournal: Check = {
  id: 'deletion-journal',
  title: 'the index deletion journal names only deleted vectors',
  async find(ctx) {
    const { catalog } = ctx;
    // Replaying one of these on open would drop a vector that is still in use.
    const live = catalog.maintenance.journalEntriesOfLiveLabels();
    // Entries the saved index file already reflects are pruned when it is saved; leftovers mean a
    // save was interrupted between the file and the catalog.
    const record = indexRecord(ctx);
    const stale = record ? catalog.maintenance.journalEntriesUpTo(ctx.modelId, record.deletionSeq) : 0;
    return {
      found: live.length + stale,
      examples: [
        ...live.slice(0, EXAMPLES).map((d) => `entry ${d.seq} deletes label ${d.label}, which is in use`),
        ...(stale ? [`${stale} entries the saved index already reflects`] : []),
      ].slice(0, EXAMPLES),
      repair: async () => {
        catalog.transaction(() => {
          catalog.maintenance.forgetJournalEntries(live.map((d) => d.seq));
          if (record) catalog.pruneDeletions(ctx.modelId, record.deletionSeq);
        });
      },
    };
  },
};
