// What must hold in a library at rest, whatever happened before (a crash, a cancel, a move): each check
// returns the violations it finds in words, so a failing test says exactly what disagrees.
import type Database from 'better-sqlite3';
import type { Library } from '../../src/core/library';

/** The catalog against itself: indexed photos have vectors, vectors have photos, labels are journaled. */
export function catalogProblems(db: Database.Database, modelId: string): string[] {
  const problems: string[] = [];
  const noVector = db
    .prepare(
      `SELECT path FROM photos p WHERE status = 'indexed'
         AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.hash = p.hash AND e.model_id = ?) ORDER BY path`,
    )
    .all(modelId) as Array<{ path: string }>;
  for (const r of noVector) problems.push(`photo ${r.path} is indexed but has no vector`);
  const noHash = db
    .prepare(`SELECT path FROM photos WHERE status = 'indexed' AND hash IS NULL`)
    .all() as Array<{
    path: string;
  }>;
  for (const r of noHash) problems.push(`photo ${r.path} is indexed without a content hash`);
  const orphans = db
    .prepare(
      `SELECT label, hash FROM embeddings e
         WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.hash = e.hash AND p.status = 'indexed') ORDER BY label`,
    )
    .all() as Array<{ label: number; hash: string }>;
  for (const r of orphans) problems.push(`vector ${r.label} (${r.hash.slice(0, 12)}) shows no indexed photo`);
  const failedWithVector = db
    .prepare(`SELECT path FROM photos WHERE status = 'failed' AND hash IS NOT NULL`)
    .all() as Array<{ path: string }>;
  for (const r of failedWithVector) problems.push(`failed photo ${r.path} still names a content hash`);
  return problems;
}

/** The vector index against the catalog: the same labels on both sides, nothing more. */
export function indexProblems(lib: Library): string[] {
  const problems: string[] = [];
  let present = 0;
  for (const { label } of lib.catalog.vectorsAfter(lib.modelId, 0)) {
    if (lib.vectors.has(label)) present++;
    else problems.push(`vector ${label} is in the catalog but not in the index`);
  }
  const extra = lib.vectors.size - present;
  if (extra > 0) problems.push(`the index holds ${extra} label(s) the catalog does not have`);
  return problems;
}
