import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkRegularFile, readRegularFile } from './regular-file';

const posix = process.platform !== 'win32';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glimpse-regular-'));
});

describe('reading a file that must be a regular file under a cap', () => {
  it('reads a regular file whole', async () => {
    writeFileSync(join(dir, 'a.bin'), 'hello');
    expect((await readRegularFile(join(dir, 'a.bin'), 10)).toString()).toBe('hello');
  });

  it('refuses a folder, naming it', async () => {
    mkdirSync(join(dir, 'sub'));
    await expect(readRegularFile(join(dir, 'sub'), 10)).rejects.toThrow(
      `${join(dir, 'sub')}: not a regular file (a folder)`,
    );
  });

  it.skipIf(!posix)('refuses /dev/zero without reading it (stat reports 0 bytes for it)', async () => {
    await expect(readRegularFile('/dev/zero', 10)).rejects.toThrow(
      '/dev/zero: not a regular file (a device)',
    );
  });

  it.skipIf(!posix)(
    'refuses a FIFO nobody writes to at once, instead of waiting',
    async () => {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      await expect(readRegularFile(fifo, 10)).rejects.toThrow('not a regular file (a FIFO)');
      await expect(checkRegularFile(fifo, 10)).rejects.toMatchObject({ code: 'BAD_FILE', problem: 'kind' });
    },
    2_000,
  );

  it.skipIf(!posix)('judges what a link leads to', async () => {
    symlinkSync('/dev/zero', join(dir, 'zero.jpg'));
    await expect(readRegularFile(join(dir, 'zero.jpg'), 10)).rejects.toThrow('(a device)');
  });

  it('refuses a file over the cap before reading any of it', async () => {
    writeFileSync(join(dir, 'big'), '');
    truncateSync(join(dir, 'big'), 1 << 30);
    await expect(readRegularFile(join(dir, 'big'), 1 << 20)).rejects.toThrow(
      `the file is ${1 << 30} bytes, over the ${1 << 20} limit`,
    );
  });

  it('passes a missing file through as the ENOENT it is', async () => {
    await expect(readRegularFile(join(dir, 'missing'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
