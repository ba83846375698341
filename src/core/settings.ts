// The user's settings, shared by the app and the CLI: settings.json in the Glimpse folder, validated
// on read (a damaged file falls back to defaults, never stops the program), written atomically.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Settings } from '../shared/types';
import { PROVIDERS } from './model/providers';

// Loose: fields a newer Glimpse (or the model manager) writes survive a save by this version.
const schema = z.looseObject({
  providers: z.array(z.enum(PROVIDERS)).min(1).optional(),
  batchSize: z.number().int().min(1).max(4096).nullable().optional(),
  excludePatterns: z.array(z.string().min(1)).optional(),
  theme: z.enum(['system', 'light', 'dark']).optional(),
  modelDir: z.string().min(1).nullable().optional(),
  /** Written by the model manager: the id of the installed model in use (models/<id>). */
  activeModel: z.string().min(1).optional(),
  /** Download sources overriding the catalogue's, by model id: a mirror or one's own export. */
  modelSources: z.record(z.string(), z.string().min(1)).optional(),
});
export type StoredSettings = z.infer<typeof schema>;

const DEFAULT_SETTINGS: Settings = {
  providers: [],
  batchSize: null,
  excludePatterns: [],
  theme: 'system',
  modelDir: null,
};

export function settingsFile(home: string): string {
  return join(home, 'settings.json');
}

/** The stored settings, or {} when the file is missing or damaged (with why, for the caller to log). */
export function readStoredSettings(home: string): { stored: StoredSettings; problem: string | null } {
  const file = settingsFile(home);
  if (!existsSync(file)) return { stored: {}, problem: null };
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { stored: parsed.data, problem: null };
    const issue = parsed.error.issues[0]!;
    return { stored: {}, problem: `${file} (${issue.path.join('.')}): ${issue.message}; using defaults` };
  } catch (e) {
    return { stored: {}, problem: `${file}: ${(e as Error).message}; using defaults` };
  }
}

export function readSettings(home: string): Settings {
  const { stored } = readStoredSettings(home);
  return {
    providers: stored.providers ?? DEFAULT_SETTINGS.providers,
    batchSize: stored.batchSize ?? null,
    excludePatterns: stored.excludePatterns ?? [],
    theme: stored.theme ?? 'system',
    modelDir: stored.modelDir ?? null,
  };
}

/** Merges `patch` into the stored settings (keeping fields this version does not know) and saves. */
export function writeSettings(home: string, patch: Partial<StoredSettings>): Settings {
  const { stored } = readStoredSettings(home);
  const next = { ...stored, ...patch };
  const file = settingsFile(home);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(tmp, file);
  return readSettings(home);
}
