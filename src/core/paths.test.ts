import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, defaultLibraryDir, defaultModelDir, glimpseHome } from './paths';

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
