// A file or folder dropped on the window: the preload reads its path from the File object (which page
// script cannot forge) and main checks it is a plausible path, says what it is, and grants it.
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { DroppedPath } from '../../shared/contract';
import type { PathGrants } from './grants';

const MAX_PATH = 4096;

/** The dropped path as main will grant it; throws a BAD_ARGUMENTS error for anything else. */
export function checkDropPath(raw: unknown): string {
  const bad = (why: string) =>
    Object.assign(new Error(`droppedFile: ${why}`), { code: 'BAD_ARGUMENTS' as const });
  if (typeof raw !== 'string' || raw.length === 0) throw bad('expected a path');
  if (raw.length > MAX_PATH) throw bad(`a path over ${MAX_PATH} characters`);
  if (raw.includes('\0')) throw bad('a path with a NUL character');
  if (!isAbsolute(raw)) throw bad(`${raw} is not an absolute path`);
  return raw;
}

/** What was dropped, from stat (links followed): only folders and regular files are granted. */
export function dropKind(stats: { isDirectory(): boolean; isFile(): boolean }): DroppedPath['kind'] {
  if (stats.isDirectory()) return 'folder';
  if (stats.isFile()) return 'file';
  return 'other';
}

/** Main's answer to a drop: checks the path, says what it is, and grants a folder or a regular file. */
export async function grantDrop(grants: PathGrants, raw: unknown): Promise<DroppedPath> {
  const path = checkDropPath(raw);
  const stats = await stat(path).catch(() => {
    throw Object.assign(new Error(`${path}: cannot be read`), { code: 'NOT_FOUND' });
  });
  const kind = dropKind(stats);
  if (kind !== 'other') grants.grant(path, kind);
  return { path, kind };
}
