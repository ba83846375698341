// The catalog's row shapes and how a vector is stored in SQLite: shared by the Catalog class and its
// named queries, so no caller ever sees a column name.
export interface FolderRow {
  id: number;
  path: string;
  exclude: string[];
  addedAt: number;
  lastScanAt: number | null;
}

export interface PhotoRow {
  id: number;
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  hash: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  takenAt: number | null;
  camera: string | null;
  status: 'indexed' | 'failed';
  errorCode: string | null;
  error: string | null;
}

/** What the indexer writes for one file. */
export interface PhotoWrite {
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  hash: string | null;
  width?: number | null;
  height?: number | null;
  format?: string | null;
  takenAt?: number | null;
  camera?: string | null;
  status: 'indexed' | 'failed';
  errorCode?: string | null;
  error?: string | null;
}

/** A vector deleted because no photo shows its content any more. */
export interface FreedVector {
  label: number;
  modelId: string;
  hash: string;
}

export interface StoredVector {
  label: number;
  hash: string;
  vector: Float32Array;
}

export const photoColumns = `id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, hash, width, height, format,
  taken_at AS takenAt, camera, status, error_code AS errorCode, error`;

/** A Float32Array over a BLOB, copied so it does not alias SQLite's buffer. */
export function blobToVector(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
