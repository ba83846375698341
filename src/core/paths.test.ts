import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_ID,
  defaultLibraryDir,
  defaultModelDir,
  glimpseHome,
  isInside,
  isInsideReal,
} from './paths';

describe('where Glimpse keeps its data', () => {
  it('matches Electron userData for "Glimpse" on each OS', () => {
    expect(glimpseHome({}, 'linux')).toBe(join(homedir(), '.config', 'Glimpse'));
    expect(glimpseHome({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Glimpse');
    expect(glimpseHome({}, 'darwin')).toBe(join(homedir(), 'Library', 'Application Support', 'Glimpse'));
    expect(glimpseHome({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(
      join('C:\\Users\\a\\AppData\\Roaming', 'Glimpse'),
    );
  });

  it('lets GLIMPSE_HOME override everything', () => {
    expect(glimpseHome({ GLIMPSE_HOME: '/data/g' }, 'darwin')).toBe('/data/g');
    expect(defaultLibraryDir({ GLIMPSE_HOME: '/data/g' })).toBe('/data/g/library');
  });

  it('uses the active model from settings.json, then the default model', () => {
    const home = mkdtempSync(join(tmpdir(), 'glimpse-home-'));
    expect(defaultModelDir({ GLIMPSE_HOME: home })).toBe(join(home, 'models', DEFAULT_MODEL_ID));
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ activeModel: 'vit-b-32' }));
    expect(defaultModelDir({ GLIMPSE_HOME: home })).toBe(join(home, 'models', 'vit-b-32'));
    writeFileSync(join(home, 'settings.json'), '{broken');
    expect(defaultModelDir({ GLIMPSE_HOME: home })).toBe(join(home, 'models', DEFAULT_MODEL_ID));
    expect(defaultModelDir({ GLIMPSE_HOME: home, GLIMPSE_MODEL: '/m' })).toBe('/m');
  });
});

describe('whether a path is inside a folder once links are resolved', () => {
  const root = mkdtempSync(join(tmpdir(), 'glimpse-inside-'));
  const folder = join(root, 'photos');
  mkdirSync(join(folder, 'album'), { recursive: true });
  writeFileSync(join(folder, 'album', 'a.jpg'), 'x');
  writeFileSync(join(root, 'secret.jpg'), 'x');
  symlinkSync(join(folder, 'album', 'a.jpg'), join(folder, 'alias.jpg'));
  symlinkSync(join(root, 'secret.jpg'), join(folder, 'out.jpg'));
  symlinkSync('/', join(folder, 'disk'));
  symlinkSync(folder, join(root, 'folder-alias'));

  it('accepts files and links that stay inside', () => {
    expect(isInsideReal(join(folder, 'album', 'a.jpg'), folder)).toBe(true);
    expect(isInsideReal(join(folder, 'alias.jpg'), folder)).toBe(true);
    expect(isInsideReal(join(root, 'folder-alias', 'album', 'a.jpg'), folder)).toBe(true);
  });

  it('refuses links that lead out, though the lexical path is inside', () => {
    expect(isInside(join(folder, 'out.jpg'), folder)).toBe(true);
    expect(isInsideReal(join(folder, 'out.jpg'), folder)).toBe(false);
    expect(isInsideReal(join(folder, 'disk', 'etc', 'passwd'), folder)).toBe(false);
    expect(isInsideReal(join(folder, '..', 'secret.jpg'), folder)).toBe(false);
  });

  it('refuses what does not exist', () => {
    expect(isInsideReal(join(folder, 'missing.jpg'), folder)).toBe(false);
  });
});
