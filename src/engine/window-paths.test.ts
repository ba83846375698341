import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserMime, checkLibraryFolders, inLibrary } from './window-paths';

const root = mkdtempSync(join(tmpdir(), 'glimpse-window-paths-'));
const photos = join(root, 'photos');
mkdirSync(photos);
writeFileSync(join(photos, 'a.jpg'), 'x');
writeFileSync(join(root, 'secret.jpg'), 'x');
symlinkSync(photos, join(root, 'alias'));
symlinkSync(join(root, 'secret.jpg'), join(photos, 'out.jpg'));
const folders = [{ path: photos }];

describe('paths from the window, as the engine checks them', () => {
  it('re-indexes a library folder, also when named through a link to it', () => {
    expect(() => checkLibraryFolders([photos], folders)).not.toThrow();
    expect(() => checkLibraryFolders([join(root, 'alias')], folders)).not.toThrow();
  });

  it('refuses anything else, naming it', () => {
    for (const path of [root, '/', join(photos, 'a.jpg'), join(root, 'missing')])
      expect(() => checkLibraryFolders([photos, path], folders), path).toThrow(
        `${path} is not a library folder`,
      );
  });

  it('serves files whose real path is inside a library folder only', () => {
    expect(inLibrary(join(photos, 'a.jpg'), folders)).toBe(true);
    expect(inLibrary(join(photos, 'out.jpg'), folders)).toBe(false);
    expect(inLibrary(join(photos, 'missing.jpg'), folders)).toBe(false);
  });

  it('knows which formats the window shows itself', () => {
    expect(browserMime('/p/A.JPG')).toBe('image/jpeg');
    expect(browserMime('/p/a.heic')).toBeUndefined();
  });
});
