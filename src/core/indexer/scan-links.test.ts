import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanFolder, type ScanProblem } from './scan';
import { describeScanProblem, isWorthReporting } from './scan-problems';

// Symbolic links inside a library folder are followed only while they stay inside it: a link to a file
// elsewhere, or to `/`, would otherwise index (and serve) photos the user never added.

let root: string;
let library: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glimpse-scan-links-'));
  library = join(root, 'library');
  outside = join(root, 'elsewhere');
  await mkdir(join(library, 'album'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(library, 'album', 'kept.jpg'), 'x');
  await writeFile(join(outside, 'secret.jpg'), 'x');
  await symlink(join(library, 'album', 'kept.jpg'), join(library, 'inside-link.jpg'));
  // A hidden folder is not walked itself: only the link to it brings its photo in.
  await mkdir(join(library, '.kept'));
  await writeFile(join(library, '.kept', 'b.jpg'), 'x');
  await symlink(join(library, '.kept'), join(library, 'inside-folder-link'));
  await symlink(join(outside, 'secret.jpg'), join(library, 'out-link.jpg'));
  await symlink(outside, join(library, 'out-folder'));
  await symlink('/', join(library, 'whole-disk'));
});

async function scan(folder: string) {
  const files: string[] = [];
  const problems: ScanProblem[] = [];
  for await (const f of scanFolder(folder, { onProblem: (p) => problems.push(p) })) files.push(f.path);
  return { files: files.sort(), problems };
}

describe('scanning a folder with symbolic links', () => {
  it('follows links that stay inside the folder and none that lead out of it', async () => {
    const { files } = await scan(library);
    expect(files).toEqual(
      [
        join(library, 'album', 'kept.jpg'),
        join(library, 'inside-folder-link', 'b.jpg'),
        join(library, 'inside-link.jpg'),
      ].sort(),
    );
  });

  it('reports each link that leads out, as not followed', async () => {
    const { problems } = await scan(library);
    const out = problems.filter(isWorthReporting).map((p) => ({ path: p.path, ...describeScanProblem(p) }));
    expect(out.map((p) => p.path).sort()).toEqual(
      [join(library, 'out-link.jpg'), join(library, 'out-folder'), join(library, 'whole-disk')].sort(),
    );
    for (const p of out) expect(p).toMatchObject({ code: 'outside-folder', reason: /leads outside/ });
  });

  it('still indexes a library folder that is itself reached through a link', async () => {
    const alias = join(root, 'alias');
    await symlink(library, alias);
    const { files } = await scan(alias);
    expect(files).toContain(join(alias, 'album', 'kept.jpg'));
    expect(files.some((f) => f.includes('secret'))).toBe(false);
  });
});
