// What the indexer tells the user about paths its scan could not read (a missing folder, a folder
// without permission, a broken link or a loop of links), and which of them are worth a line.
import { extname } from 'node:path';
import { IMAGE_EXTENSIONS, type ScanProblem } from './scan';

/** Why the scan could not read a path, as a failure code and in the words shown next to it. */
export function describeScanProblem(problem: ScanProblem): { code: string; reason: string } {
  const { kind, reason } = problem;
  if (reason === 'ELOOP') return { code: 'unreadable', reason: 'a loop of symbolic links' };
  if (reason === 'EILSEQ')
    return {
      code: 'bad-name',
      reason:
        'the folder name is not valid UTF-8 (shown with %XX for each invalid byte): Glimpse cannot open ' +
        'what it holds yet; rename it to index its photos',
    };
  if (reason === 'EACCES' || reason === 'EPERM')
    return kind === 'folder'
      ? { code: 'unreadable', reason: 'permission denied: the folder cannot be listed; its photos are kept' }
      : { code: 'unreadable', reason: 'permission denied' };
  if (reason === 'ENOENT') {
    if (kind === 'folder')
      return {
        code: 'not-found',
        reason: 'the folder is missing (an unplugged drive?); its photos are kept',
      };
    if (kind === 'link') return { code: 'not-found', reason: 'a broken link: its target does not exist' };
    return { code: 'not-found', reason: 'the file vanished during the scan' };
  }
  return { code: 'unreadable', reason: `the ${kind} cannot be read (${reason})` };
}

/** A broken link is only worth a line when it looks like a photo; a folder or a listed file always is. */
export function isWorthReporting(problem: ScanProblem): boolean {
  return problem.kind !== 'link' || IMAGE_EXTENSIONS.has(extname(problem.path).toLowerCase());
}
