// The user's settings, shared by the app and the CLI: settings.json in the Glimpse folder. Nothing a
// user wrote is ever lost: a file that does not parse or validate is copied aside and reported, each
// field is checked on its own (a bad one falls back to its default, the rest still count), fields and
// values this version does not know survive a save, and saves are atomic and flushed to disk.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { Settings } from '../shared/types';
import { PROVIDERS } from './runtime/providers';

/** Each field this version understands, checked on its own so one bad value costs only itself. */
const FIELDS = {
  providers: z.array(z.enum(PROVIDERS)).min(1),
  batchSize: z.number().int().min(1).max(4096).nullable(),
  excludePatterns: z.array(z.string().min(1)),
  theme: z.enum(['system', 'light', 'dark']),
  modelDir: z.string().min(1).nullable(),
  /** Written by the model store: the id of the installed model in use (models/<id>). */
  activeModel: z.string().min(1),
  /** Download sources overriding the model list's, by model id: a mirror or one's own export. */
  modelSources: z.record(z.string(), z.string().min(1)),
} as const;
type Fields = typeof FIELDS;
type StoredSettings = { [K in keyof Fields]?: z.infer<Fields[K]> };

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

interface StoredRead {
  /** The fields that validated (known ones) plus every field this version does not know. */
  stored: StoredSettings;
  /** Everything the file holds, invalid values included: what a write starts from. */
  raw: Record<string, unknown>;
  /** What is wrong with the file, in words, naming the copy kept aside; null when it is fine. */
  problem: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Copies the damaged file beside itself once and returns the copy's name. `same` says whether an
 * earlier copy already holds what is at stake (the same text; for invalid fields, the same invalid
 * values — a save keeps them and changes the rest, and must not leave a new copy each time).
 */
function keepAside(file: string, text: string, same: (copy: string) => boolean): string {
  const dir = dirname(file);
  const prefix = `${basename(file)}.bad-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    try {
      if (same(readFileSync(join(dir, name), 'utf8'))) return name;
    } catch {
      // unreadable earlier copy: make a new one
    }
  }
  const name = `${prefix}${new Date().toISOString().replace(/[:.]/g, '-')}`;
  copyFileSync(file, join(dir, name));
  return name;
}

/** The stored settings; a damaged file is kept aside and described in `problem` for the caller to show. */
export function readStoredSettings(home: string): StoredRead {
  const file = settingsFile(home);
  if (!existsSync(file)) return { stored: {}, raw: {}, problem: null };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return {
      stored: {},
      raw: {},
      problem: `${file}: cannot be read (${(e as Error).message}); using defaults`,
    };
  }
  let json: unknown;
  let parseError: Error | null = null;
  try {
    json = JSON.parse(text);
  } catch (e) {
    parseError = e as Error;
  }
  const aside = (same: (copy: string) => boolean) => {
    try {
      return `kept a copy as ${keepAside(file, text, same)}`;
    } catch (e) {
      return `could not keep a copy (${(e as Error).message})`;
    }
  };
  if (!isRecord(json)) {
    const why = parseError ? `is not valid JSON (${parseError.message})` : 'is not a JSON object';
    return {
      stored: {},
      raw: {},
      problem: `${file} ${why}; ${aside((copy) => copy === text)}; using defaults`,
    };
  }
  const stored: Record<string, unknown> = {};
  const bad: string[] = [];
  const badKeys: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    const field = FIELDS[key as keyof Fields];
    if (!field) {
      stored[key] = value;
      continue;
    }
    const parsed = field.safeParse(value);
    if (parsed.success) stored[key] = parsed.data;
    else {
      badKeys.push(key);
      bad.push(`${[key, ...parsed.error.issues[0]!.path].join('.')}: ${parsed.error.issues[0]!.message}`);
    }
  }
  const problem = bad.length
    ? `${file}: ${bad.join('; ')}; ${aside((copy) => sameValues(copy, json, badKeys))}; using the default for ${bad.length === 1 ? 'that field' : 'those fields'}`
    : null;
  return { stored: stored as StoredSettings, raw: json, problem };
}

/** True when the JSON text `copy` holds the same values as `json` for `keys`. */
function sameValues(copy: string, json: Record<string, unknown>, keys: string[]): boolean {
  try {
    const other = JSON.parse(copy) as Record<string, unknown>;
    return keys.every((k) => JSON.stringify(other[k]) === JSON.stringify(json[k]));
  } catch {
    return false;
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

/** Replaces `file` with `text` so that a crash leaves either the old file or the new one, on disk. */
function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  // The rename itself lives in the folder; without this a power cut may bring back the old name.
  try {
    const dirFd = openSync(dirname(file), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some platforms (Windows) cannot open or sync a folder; the rename is still atomic there.
  }
}

/** Merges `patch` into what the file holds (keeping fields and values this version does not know,
 *  and a damaged file's copy aside) and saves atomically. Fields set to undefined are removed. */
export function writeSettings(home: string, patch: Partial<StoredSettings>): Settings {
  const { raw } = readStoredSettings(home);
  const next: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  writeFileAtomic(settingsFile(home), `${JSON.stringify(next, null, 2)}\n`);
  return readSettings(home);
}
