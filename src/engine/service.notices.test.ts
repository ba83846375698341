import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createService } from './service';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

function serviceWith(settingsText: string | null) {
  const home = mkdtempSync(join(tmpdir(), 'glimpse-notices-'));
  roots.push(home);
  if (settingsText !== null) writeFileSync(join(home, 'settings.json'), settingsText);
  return { home, service: createService({ home, libraryDir: join(home, 'library'), emit: () => {} }) };
}

describe('the engine service at start-up', () => {
  it('tells the window that settings.json was damaged and where its copy is', async () => {
    const { home, service } = serviceWith('{"theme": "dark"');
    const notices = await service.getNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/settings\.json is not valid JSON.*kept a copy as settings\.json\.bad-/);
    expect(readdirSync(home).some((n) => n.startsWith('settings.json.bad-'))).toBe(true);
    await service.close();
  });

  it('has nothing to say about a sound settings.json', async () => {
    const { service } = serviceWith(JSON.stringify({ theme: 'dark' }));
    expect(await service.getNotices()).toEqual([]);
    await service.close();
  });
});
