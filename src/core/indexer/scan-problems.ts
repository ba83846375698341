// What the indexer tells the user about paths its scan could not read (a missing folder, a folder
// without permission, a broken link or a loop of links), and which of them are worth a line.
import { extname } from 'node:path';
import { IMAGE_EXTENSIONS, OUTSIDE_FOLDER, type ScanProblem } from './scan';

/** Why the scan could not read a path, as a failure code and in the words shown next to it. */
export function describeScanProblem(problem: ScanProblem): { code: string; reason: string } {
  const { kind, reason } = problem;
  if (reason === OUTSIDE_FOLDER)
    return {
      code: 'outside-folder',
      reason: 'a symbolic link that leads outside the library folder; not followed',
    };
  if (reason === 'ELOOP') return { code: 'unreadable', reason: 'a loop of symbolic links' };
  if (reason === 'EILSEQ')
    return {
      code: 'bad-name',
      reason:
        'the folder name is not valid UTF-8 (shown with \\xNN for each such byte), which cannot be ' +
        'opened where paths are text (Windows); rename it to index its photos',
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

/** A broken link is only worth a line when it looks like a photo; a folder, a listed file, or a link that
 *  leads out of the folder (what it holds is left out on purpose) always is. */
export function isWorthReporting(problem: ScanProblem): boolean {
  if (problem.kind !== 'link' || problem.reason === OUTSIDE_FOLDER) return true;
  return IMAGE_EXTENSIONS.has(extname(problem.path).toLowerCase());
}
