import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkspaceHolder } from './workspace-holder';

const holders: WorkspaceHolder[] = [];
const roots: string[] = [];
afterEach(async () => {
  await Promise.all(holders.splice(0).map((h) => h.close()));
  roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true }));
});

/** A holder on a fresh home; `restarts` counts the times it asked what uses the engine to let go. */
function holderOn(settings: object) {
  const home = mkdtempSync(join(tmpdir(), 'glimpse-holder-'));
  roots.push(home);
  writeFileSync(join(home, 'settings.json'), JSON.stringify(settings));
  const counter = { restarts: 0 };
  const holder = new WorkspaceHolder({
    home,
    libraryDir: join(home, 'library'),
    beforeRestart: async () => {
      counter.restarts++;
    },
  });
  holders.push(holder);
  return { home, holder, counter };
}

describe('the engine the settings make', () => {
  it('runs the model folder and providers settings.json names', () => {
    const { home, holder } = holderOn({ modelDir: '/models/tiny', providers: ['cpu'] });
    expect(holder.workspace.modelDir).toBe('/models/tiny');
    expect(holder.workspace.libraryDir).toBe(join(home, 'library'));
    expect(holder.providers).toEqual(['cpu']);
  });

  it('leaves the providers to the runtime when settings name none', () => {
    const { holder } = holderOn({ providers: [] });
    expect(holder.providers).toBeUndefined();
  });

  it('saves a change that leaves the runtime alone without making the engine again', async () => {
    const { home, holder, counter } = holderOn({ theme: 'light' });
    const engine = holder.workspace;
    const settings = await holder.change({ theme: 'dark' }, 'on-runtime-change');
    expect(settings.theme).toBe('dark');
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark' });
    expect(holder.workspace).toBe(engine);
    expect(counter.restarts).toBe(0);
  });

  it('makes the engine again, after the library’s users let go, when providers or batch size change', async () => {
    const { holder, counter } = holderOn({ providers: ['cpu'] });
    const engine = holder.workspace;
    await holder.change({ batchSize: 8 }, 'on-runtime-change');
    expect(holder.workspace).not.toBe(engine);
    expect(counter.restarts).toBe(1);
    expect(holder.settings.batchSize).toBe(8);
  });

  it('always makes the engine again for a model folder chosen again', async () => {
    const { holder, counter } = holderOn({ modelDir: '/models/tiny' });
    const engine = holder.workspace;
    await holder.change({ modelDir: '/models/tiny' }, 'always');
    expect(holder.workspace).not.toBe(engine);
    expect(counter.restarts).toBe(1);
  });

  it('reads settings.json again on reload, as the model store leaves it', async () => {
    const { home, holder } = holderOn({ modelDir: '/models/tiny' });
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ modelDir: '/models/other' }));
    await holder.reload();
    expect(holder.settings.modelDir).toBe('/models/other');
    expect(holder.workspace.modelDir).toBe('/models/other');
  });
});
