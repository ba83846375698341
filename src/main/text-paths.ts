// Electron's shell, clipboard and drag APIs take paths as text, which cannot name a file whose name is
// not valid UTF-8 (a stored path with escaped bytes, src/shared/byte-path.ts). For such a photo, main
// hands them a symbolic link with a text name that leads to its exact bytes, or its nearest text folder.
import { mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { BYTE_ESCAPE, hasEscapedBytes } from '../shared/byte-path';
import { fsPath } from '../core/host';

/** A name for the link: the photo's id, then its name with each escaped byte as "_" (readable, and
 *  unique by the id). */
export function linkName(photoId: number, stored: string): string {
  const name = stored.slice(dirname(stored).length + 1);
  const text = name.replace(new RegExp(`${BYTE_ESCAPE}[\\u0080-\\u00ff]`, 'g'), '_');
  const short = text.length > 200 ? text.slice(0, 200 - extname(text).length) + extname(text) : text;
  return `${photoId}-${short}`;
}

/** A text path that opens the photo: `stored` itself, or a link to it made in `linkDir`. */
export async function openablePath(photoId: number, stored: string, linkDir: string): Promise<string> {
  if (!hasEscapedBytes(stored)) return stored;
  await mkdir(linkDir, { recursive: true });
  const link = join(linkDir, linkName(photoId, stored));
  await rm(link, { force: true }); // an earlier link may lead to where the photo was then
  await symlink(fsPath(stored), link);
  return link;
}

/** The folder to show for the photo: its own when its path is text, else the nearest one above that is. */
export function textFolder(stored: string): string {
  let dir = dirname(stored);
  while (hasEscapedBytes(dir)) dir = dirname(dir);
  return dir;
}
