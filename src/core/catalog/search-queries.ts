// The search's questions to the catalog: which photos show these labels and pass the filters, and
// which labels the filters leave — the filters become SQL here and nowhere else.
import type { SearchFilters } from '../../shared/types';
import type { PhotoRow } from './rows';
import type { Statements } from './statements';

/** An indexed photo with the label of its content's vector. */
export type LabelledPhoto = Omit<PhotoRow, 'errorCode' | 'error'> & { label: number };

/** Labels per query: SQLite's default limit is 32766 bound parameters; stay well below it. */
const LABELS_PER_QUERY = 900;

const rowColumns = `e.label, p.id, p.folder_id AS folderId, p.path, p.size, p.mtime_ms AS mtimeMs, p.hash, p.width, p.height,
  p.format, p.taken_at AS takenAt, p.camera, p.status`;

function filterSql(f: SearchFilters | undefined): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (f?.folders?.length) {
    clauses.push(
      `p.folder_id IN (SELECT id FROM folders WHERE path IN (${f.folders.map(() => '?').join(',')}))`,
    );
    params.push(...f.folders);
  }
  if (f?.from !== undefined) {
    clauses.push('COALESCE(p.taken_at, p.mtime_ms) >= ?');
    params.push(f.from);
  }
  if (f?.to !== undefined) {
    clauses.push('COALESCE(p.taken_at, p.mtime_ms) <= ?');
    params.push(f.to);
  }
  if (f?.formats?.length) {
    clauses.push(`p.format IN (${f.formats.map(() => '?').join(',')})`);
    params.push(...f.formats.map((x) => x.toLowerCase().replace(/^jpg$/, 'jpeg')));
  }
  if (f?.minWidth) {
    clauses.push('p.width >= ?');
    params.push(f.minWidth);
  }
  if (f?.minHeight) {
    clauses.push('p.height >= ?');
    params.push(f.minHeight);
  }
  return { where: clauses.length ? ` AND ${clauses.join(' AND ')}` : '', params };
}

export class SearchQueries {
  constructor(private readonly st: Statements) {}

  /** Indexed photos for these labels that pass the filters (a label has several photos when files
   *  are identical). */
  photosOf(labels: readonly number[], filters: SearchFilters | undefined): LabelledPhoto[] {
    if (!labels.length) return [];
    const { where, params } = filterSql(filters);
    const out: LabelledPhoto[] = [];
    for (let i = 0; i < labels.length; i += LABELS_PER_QUERY) {
      const chunk = labels.slice(i, i + LABELS_PER_QUERY);
      const sql = `SELECT ${rowColumns} FROM embeddings e JOIN photos p ON p.hash = e.hash AND p.status = 'indexed'
        WHERE e.label IN (${chunk.map(() => '?').join(',')})${where}`;
      // Not cached: the placeholders differ from call to call.
      out.push(...(this.st.db.prepare(sql).all(...chunk, ...params) as LabelledPhoto[]));
    }
    return out;
  }

  /** How many of a model's labels have a photo passing the filters; null when nothing is filtered. */
  matchingLabelCount(modelId: string, filters: SearchFilters | undefined): number | null {
    const { where, params } = filterSql(filters);
    if (!where) return null;
    return this.st.db
      .prepare(`SELECT COUNT(DISTINCT e.label) ${matchingFrom(where)}`)
      .pluck()
      .get(modelId, ...params) as number;
  }

  /** A model's labels with a photo passing the filters. */
  matchingLabels(modelId: string, filters: SearchFilters | undefined): Set<number> {
    const { where, params } = filterSql(filters);
    const labels = this.st.db
      .prepare(`SELECT DISTINCT e.label ${matchingFrom(where)}`)
      .pluck()
      .all(modelId, ...params) as number[];
    return new Set(labels);
  }
}

const matchingFrom = (where: string) =>
  `FROM embeddings e JOIN photos p ON p.hash = e.hash AND p.status = 'indexed' WHERE e.model_id = ?${where}`;
