import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSettings, readStoredSettings, settingsFile, writeSettings } from './settings';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'glimpse-settings-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const write = (text: string) => writeFileSync(settingsFile(home), text);
const onDisk = () => JSON.parse(readFileSync(settingsFile(home), 'utf8')) as Record<string, unknown>;
const copiesAside = () => readdirSync(home).filter((n) => n.startsWith('settings.json.bad-'));

describe('settings.json', () => {
  it('keeps a file that does not parse aside, says so, and starts from the defaults', () => {
    write('{"theme": "dark", "modelSources": {"a": "https://mirror"},');
    const { problem } = readStoredSettings(home);
    expect(problem).toMatch(/settings\.json is not valid JSON/);
    expect(problem).toMatch(/kept a copy as settings\.json\.bad-/);
    expect(readSettings(home).theme).toBe('system');
    writeSettings(home, { theme: 'light' });
    const [copy] = copiesAside();
    expect(readFileSync(join(home, copy!), 'utf8')).toContain('https://mirror');
    expect(onDisk()).toEqual({ theme: 'light' });
  });

  it('keeps one copy of the same damaged file however often it is read', () => {
    write('[1, 2');
    for (let i = 0; i < 3; i++) readStoredSettings(home);
    expect(copiesAside()).toHaveLength(1);
  });

  it('loses nothing when one known field holds a value this version does not know', () => {
    write(
      JSON.stringify({
        theme: 'solarized',
        excludePatterns: ['**/raw/**'],
        modelSources: { 'ViT-B-32__openai': '/mnt/models' },
      }),
    );
    const { problem } = readStoredSettings(home);
    expect(problem).toMatch(/theme: .*using the default for that field/);
    expect(readSettings(home)).toMatchObject({ theme: 'system', excludePatterns: ['**/raw/**'] });

    writeSettings(home, { batchSize: 32 });
    expect(onDisk()).toEqual({
      theme: 'solarized',
      excludePatterns: ['**/raw/**'],
      modelSources: { 'ViT-B-32__openai': '/mnt/models' },
      batchSize: 32,
    });
  });

  it('keeps one copy of a file with a bad value through many saves of the other fields', () => {
    write(JSON.stringify({ theme: 'neon', batchSize: 8 }));
    for (let i = 1; i <= 5; i++) {
      writeSettings(home, { batchSize: i });
      readStoredSettings(home);
    }
    expect(copiesAside()).toHaveLength(1);
    expect(onDisk()).toEqual({ theme: 'neon', batchSize: 5 });
  });

  it('keeps fields it does not know through a write', () => {
    write(JSON.stringify({ theme: 'dark', gridDensity: { columns: 7 } }));
    expect(readStoredSettings(home).problem).toBeNull();
    writeSettings(home, { theme: 'light' });
    expect(onDisk()).toEqual({ theme: 'light', gridDensity: { columns: 7 } });
  });

  it('replaces the file whole: no temporary file is left and the result always parses', () => {
    for (let i = 0; i < 20; i++) writeSettings(home, { batchSize: i + 1 });
    expect(readdirSync(home)).toEqual(['settings.json']);
    expect(onDisk()).toEqual({ batchSize: 20 });
  });

  it('removes a field written as undefined', () => {
    writeSettings(home, { modelDir: '/models/a', theme: 'dark' });
    writeSettings(home, { modelDir: undefined });
    expect(onDisk()).toEqual({ theme: 'dark' });
  });
});
