// A test file's own Glimpse data folder: GLIMPSE_HOME points at a fresh temp folder for the file's
// tests (a new user: nothing installed, GLIMPSE_MODEL unset), and both come back as they were after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Registers the hooks; the returned function gives the temp root (GLIMPSE_HOME is `<root>/home`). */
export function useFreshGlimpseHome(prefix: string): () => string {
  let root = '';
  const saved = { GLIMPSE_HOME: process.env.GLIMPSE_HOME, GLIMPSE_MODEL: process.env.GLIMPSE_MODEL };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), `glimpse-${prefix}-`));
    process.env.GLIMPSE_HOME = join(root, 'home');
    delete process.env.GLIMPSE_MODEL;
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(root, { recursive: true, force: true });
  });
  return () => root;
}
