// The checks an image file must pass before Glimpse searches by it (a file dropped on the window, or
// `glimpse similar <file>`): an image type Glimpse reads, a regular file, under a size cap — judged on
// the open file, so a device, a FIFO or a folder named .jpg is refused at once without being read.
import { extname, isAbsolute, resolve } from 'node:path';
import { checkRegularFile } from '../fs/regular-file';
import { IMAGE_EXTENSIONS } from '../indexer/scan';

/** No photo worth searching by is bigger; larger files are refused before any byte is read. */
const MAX_SEARCH_IMAGE_BYTES = 100 * 1024 * 1024;

export class ImageToSearchError extends Error {
  readonly code = 'BAD_FILE';
}

/** Resolves `path` and throws an ImageToSearchError naming it when it cannot be searched by. */
export async function checkImageToSearch(path: string): Promise<string> {
  const file = isAbsolute(path) ? path : resolve(path);
  if (!IMAGE_EXTENSIONS.has(extname(file).toLowerCase()))
    throw new ImageToSearchError(
      `${file}: not an image file (Glimpse searches by ${[...IMAGE_EXTENSIONS].join(' ')} files)`,
    );
  try {
    await checkRegularFile(file, MAX_SEARCH_IMAGE_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ImageToSearchError(`${file}: no such file`);
    if (code === 'BAD_FILE') throw new ImageToSearchError((e as Error).message);
    throw new ImageToSearchError(`${file}: cannot be read (${code ?? (e as Error).message})`);
  }
  return file;
}
