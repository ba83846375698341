// Damaged settings files through the CLI as a user meets them: every command still runs, says once on
// stderr what is wrong and where the copy is, and nothing in the file is lost by a later save.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli';
import { writeSettings } from '../../src/core/settings';

let home: string;
const saved = process.env.GLIMPSE_HOME;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'glimpse-bad-settings-'));
  process.env.GLIMPSE_HOME = home;
});
afterAll(() => {
  if (saved === undefined) delete process.env.GLIMPSE_HOME;
  else process.env.GLIMPSE_HOME = saved;
  rmSync(home, { recursive: true, force: true });
});

/** Damaged files a user, a crash or another program might leave. */
const DAMAGED: Array<[string, string]> = [
  ['empty', ''],
  ['cut short', '{"theme": "dark", "modelSources": {"x": "/m"'],
  ['not an object', '[1, 2, 3]'],
  ['null', 'null'],
  ['binary', '\u0000\u00ff\u00fe garbage'],
  ['a bad value', '{"providers": ["tpu"], "modelSources": {"x": "/m"}}'],
  ['a wrong type', '{"batchSize": "lots", "excludePatterns": "*.tmp"}'],
  ['a huge number', '{"batchSize": 1e400}'],
];

describe('glimpse with a damaged settings.json', () => {
  it.each(DAMAGED)('runs with %s, names the problem once and keeps a copy', async (_name, text) => {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'settings.json'), text);
    const r = await glimpse(['model', 'list', '--json']);
    expect(r.code).toBe(0);
    const lines = r.err.split('\n').filter((l) => l.includes('settings.json'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/kept a copy as settings\.json\.bad-/);
    const [copy] = readdirSync(home).filter((n) => n.startsWith('settings.json.bad-'));
    expect(readFileSync(join(home, copy!), 'utf8')).toBe(text);
  });

  it('keeps the sources and patterns beside a bad value through a save', () => {
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({ theme: 'neon', modelSources: { x: '/m' }, excludePatterns: ['**/tmp/**'] }),
    );
    writeSettings(home, { batchSize: 8 });
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual({
      theme: 'neon',
      modelSources: { x: '/m' },
      excludePatterns: ['**/tmp/**'],
      batchSize: 8,
    });
  });
});
