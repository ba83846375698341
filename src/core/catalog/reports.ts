// What the library's status and failure list read from the catalog: counts per folder, failed files
// and how much of the library the active model has embedded.
import type { FailedFile } from '../../shared/types';
import type { Statements } from './statements';

export interface FolderCounts {
  id: number;
  photos: number;
  failed: number;
}

export class CatalogReports {
  constructor(private readonly st: Statements) {}

  /** Files recorded as failed, with their reason, by path. */
  failures(limit: number): FailedFile[] {
    return this.st
      .get(
        `SELECT path, error_code AS code, error AS reason FROM photos WHERE status = 'failed' ORDER BY path LIMIT ?`,
      )
      .all(limit) as FailedFile[];
  }

  /** Indexed and failed photos of each folder that has any. */
  folderCounts(): FolderCounts[] {
    return this.st
      .get(
        `SELECT folder_id AS id, SUM(status = 'indexed') AS photos, SUM(status = 'failed') AS failed FROM photos GROUP BY folder_id`,
      )
      .all() as FolderCounts[];
  }

  /** Photos (indexed or failed) in these folders. */
  photoCount(folderIds: readonly number[]): number {
    if (!folderIds.length) return 0;
    // One placeholder per folder: not cached, the list differs from call to call.
    return this.st.db
      .prepare(`SELECT COUNT(*) FROM photos WHERE folder_id IN (${folderIds.map(() => '?').join(',')})`)
      .pluck()
      .get(...folderIds) as number;
  }

  /** Indexed photos (under any model), and those whose content has a vector for `modelId`. */
  coverage(modelId: string): { photos: number; withVector: number } {
    return this.st
      .get(
        `SELECT COUNT(*) AS photos,
                COALESCE(SUM(EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.hash = p.hash)), 0)
                  AS withVector
           FROM photos p WHERE p.status = 'indexed'`,
      )
      .get(modelId) as { photos: number; withVector: number };
  }
}
