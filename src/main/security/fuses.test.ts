import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The packaging config flips Electron's fuses; the keys are checked against the installed
// electron-builder's own schema, so a misspelt fuse (silently ignored at build time) fails here.
const ROOT = join(import.meta.dirname, '../../..');

function fusesInConfig(): Record<string, boolean> {
  const lines = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8').split('\n');
  const start = lines.indexOf('electronFuses:');
  expect(start, 'electron-builder.yml has an electronFuses block').toBeGreaterThanOrEqual(0);
  const fuses: Record<string, boolean> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}(\w+): (true|false)\s*$/.exec(line);
    if (!m) break;
    fuses[m[1]!] = m[2] === 'true';
  }
  return fuses;
}

describe('Electron fuses in the packaged app', () => {
  it('turn off Node entry points and turn on cookie encryption and asar integrity', () => {
    expect(fusesInConfig()).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('are all fuses electron-builder knows', () => {
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
    ) as { definitions: { FuseOptionsV1: { properties: Record<string, unknown> } } };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const key of Object.keys(fusesInConfig())) expect(known, key).toContain(key);
  });
});
