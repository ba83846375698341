import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storedFromBytes } from '../../shared/byte-path';
import type * as BytePaths from '../fs/byte-path';
import { scanFolder, type ScanProblem, type ScannedFile } from './scan';
import { describeScanProblem } from './scan-problems';

// Where paths are text (Windows), a name that is not valid UTF-8 cannot be opened by any call: the
// scan lists it with the reason instead of indexing it or losing it. Played here on Linux by telling
// the scan that byte paths are not available.
vi.mock('../fs/byte-path', async (original) => ({
  ...(await original<typeof BytePaths>()),
  BYTE_PATHS: false,
}));

let root: string;
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => Buffer.from(p as string)));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glimpse-scan-text-'));
  await writeFile(join(root, 'ok.jpg'), 'x');
  await writeFile(bytes(root, '/caf', [0xe9], '.jpg'), 'x');
  await mkdir(bytes(root, '/album-', [0xff]));
  await writeFile(bytes(root, '/album-', [0xff], '/inside.jpg'), 'x');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('a scan where paths are text', () => {
  it('lists a file or folder whose name is not UTF-8 with the reason, and indexes the rest', async () => {
    const files: ScannedFile[] = [];
    const problems: ScanProblem[] = [];
    for await (const f of scanFolder(root, { onProblem: (p) => problems.push(p) })) files.push(f);
    const byPath = new Map(files.map((f) => [f.path, f]));
    expect(byPath.get(join(root, 'ok.jpg'))?.badName).toBeUndefined();
    expect(byPath.get(storedFromBytes(bytes(root, '/caf', [0xe9], '.jpg')))?.badName).toMatch(
      /not valid UTF-8 .* where paths are text; rename it/,
    );
    expect(files).toHaveLength(2);
    expect(problems.map((p) => p.path)).toEqual([storedFromBytes(bytes(root, '/album-', [0xff]))]);
    expect(describeScanProblem(problems[0]!)).toMatchObject({ code: 'bad-name' });
  });
});
