// The installed models in modelsDir: one folder per model id, each a bundle loadBundle accepts. Folders
// arrive whole (built under .partial/, checked, then renamed in) and leave whole (renamed out, then
// deleted), so a crash never leaves a half-installed model where Glimpse would look for one.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { BundleError, loadBundle } from '../runtime/bundle';
import type { ModelBundle } from '../runtime/types';
import { bundlePrecision } from '../runtime/types';
import { MODEL_ID_PATTERN } from './model-list';
import { ensureFreeSpace, type StatfsFn } from './disk';
import { bundleFingerprint, hashFiles, type HashedFile } from './fingerprint';
import { ModelDownloadError } from './errors';

/** Downloads and imports in progress, inside modelsDir so the final rename never crosses file systems. */
export const PARTIAL_DIR = '.partial';
/** Replaced and removed models wait here for deletion (a rename is atomic, a recursive delete is not). */
const TRASH_DIR = '.trash';
/** Written into each installed folder: where it came from and what was verified. */
const INSTALL_RECORD = '.glimpse-install.json';

const recordSchema = z.object({
  id: z.string(),
  source: z.string(),
  installedAt: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string().nullable() })),
  /** bundleFingerprint of the files (fingerprint.ts); absent in records written before it existed. */
  fingerprint: z.string().optional(),
});
type InstallRecord = z.infer<typeof recordSchema>;

export interface InstalledModel {
  /** Folder name under modelsDir: what `glimpse model use` takes and settings.json stores. */
  id: string;
  dir: string;
  sizeBytes: number;
  valid: boolean;
  /** Why the bundle cannot be used (a BundleError's message), or null. */
  problem: string | null;
  /** The id stored with vectors (model.json's id; Immich bundles: "immich-" + folder name). */
  bundleId?: string;
  name?: string;
  layout?: ModelBundle['layout'];
  embedDim?: number;
  precision?: 'fp16' | 'fp32';
  record?: InstallRecord;
}

export function checkModelId(id: string, what = 'model id'): string {
  if (!MODEL_ID_PATTERN.test(id))
    throw new ModelDownloadError(
      'BAD_SOURCE',
      `${what} "${id}" may use only letters, digits, ".", "_" and "-" (at most 128 characters)`,
    );
  return id;
}

/** Bytes under a folder (files only, links not followed). */
function folderSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** The install record of a model folder the manager installed; undefined for any other folder. */
export function readRecord(dir: string): InstallRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(join(dir, INSTALL_RECORD), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function describeInstalled(id: string, dir: string): InstalledModel {
  const base = { id, dir, sizeBytes: folderSize(dir), record: readRecord(dir) };
  try {
    const b = loadBundle(dir);
    return {
      ...base,
      valid: true,
      problem: null,
      bundleId: b.id,
      name: b.name,
      layout: b.layout,
      embedDim: b.embedDim,
      precision: bundlePrecision(b),
    };
  } catch (e) {
    return { ...base, valid: false, problem: (e as Error).message };
  }
}

/** Every model folder in modelsDir (dot-folders are the manager's own), valid or not, by id. */
export function listInstalled(modelsDir: string): InstalledModel[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => describeInstalled(e.name, join(modelsDir, e.name)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Deletes a folder after renaming it into the trash, so it stops being a model at once. */
async function discardFolder(modelsDir: string, dir: string): Promise<void> {
  const trash = join(modelsDir, TRASH_DIR, `${basename(dir)}-${process.pid}-${Date.now()}`);
  await mkdir(join(modelsDir, TRASH_DIR), { recursive: true });
  await rename(dir, trash);
  await rm(trash, { recursive: true, force: true });
}

/** Clears what an interrupted removal or replacement left in the trash. */
export async function emptyTrash(modelsDir: string): Promise<void> {
  await rm(join(modelsDir, TRASH_DIR), { recursive: true, force: true });
}

/**
 * Validates the bundle in `staging` (must be inside modelsDir), writes its install record and renames it
 * to modelsDir/<id>; an existing model of that id is replaced only with `replace`. A bundle that fails
 * validation throws BundleError naming the file and field, and nothing is installed.
 */
export async function commitInstall(
  staging: string,
  modelsDir: string,
  id: string,
  opts: {
    replace?: boolean;
    record: Omit<InstallRecord, 'id' | 'installedAt' | 'fingerprint'>;
    expectedBundleId?: string;
  },
): Promise<InstalledModel> {
  const bundle = loadBundle(staging);
  if (bundle.layout === 'glimpse' && bundle.id !== (opts.expectedBundleId ?? id)) {
    throw new BundleError(
      join(staging, 'model.json'),
      'id',
      `is "${bundle.id}", but it is being installed as "${opts.expectedBundleId ?? id}": vectors are stored ` +
        `under model.json's id, so install it as "${bundle.id}"`,
    );
  }
  // Every file hashed (downloads come verified; the rest are read here), then the whole fingerprinted.
  const files = await hashFiles(staging, opts.record.files);
  const record: InstallRecord = {
    id,
    installedAt: new Date().toISOString(),
    ...opts.record,
    files,
    fingerprint: bundleFingerprint(files),
  };
  await writeFile(join(staging, INSTALL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  const final = join(modelsDir, id);
  if (existsSync(final)) {
    if (!opts.replace)
      throw new ModelDownloadError(
        'EXISTS',
        `${id} is already installed in ${final} (use --force to replace it)`,
      );
    const aside = join(modelsDir, TRASH_DIR, `${id}-${process.pid}-${Date.now()}`);
    await mkdir(join(modelsDir, TRASH_DIR), { recursive: true });
    await rename(final, aside);
    try {
      await rename(staging, final);
    } catch (e) {
      await rename(aside, final); // put the old one back: never leave the id without a model
      throw e;
    }
    await rm(aside, { recursive: true, force: true });
  } else {
    await rename(staging, final);
  }
  return describeInstalled(id, final);
}

/** Removes an installed model folder. */
export async function removeInstalled(modelsDir: string, id: string): Promise<{ freedBytes: number }> {
  const dir = join(modelsDir, checkModelId(id));
  if (!existsSync(dir))
    throw new ModelDownloadError('UNKNOWN_MODEL', `${id} is not installed (no folder ${dir})`);
  const freedBytes = folderSize(dir);
  await discardFolder(modelsDir, dir);
  return { freedBytes };
}

async function listFiles(dir: string, prefix = ''): Promise<Array<{ path: string; size: number }>> {
  const out: Array<{ path: string; size: number }> = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (rel !== INSTALL_RECORD) out.push({ path: rel, size: (await stat(join(dir, rel))).size });
  }
  return out;
}

export interface ImportOptions {
  /** Folder name to install under. Glimpse bundles: must be model.json's id (the default). Immich
   *  layout: any id (default: the source folder's name); its vectors are stored as "immich-<id>". */
  id?: string;
  replace?: boolean;
  statfs?: StatfsFn;
  /** The model list's pins for this model: every pinned file must be present with that size and SHA-256
   *  (a local copy of a listed model is checked exactly as a download is). */
  pins?: Array<{ path: string; size?: number; sha256?: string }>;
}

/** The first pinned file the copy does not match, in words; null when every pin holds. */
function pinMismatch(files: HashedFile[], pins: NonNullable<ImportOptions['pins']>): string | null {
  for (const pin of pins) {
    const f = files.find((x) => x.path === pin.path);
    if (!f) return `${pin.path}: the model list names it, but the folder has no such file`;
    if (pin.size !== undefined && f.size !== pin.size)
      return `${pin.path}: ${f.size} bytes, but the model list pins ${pin.size}`;
    if (pin.sha256 && f.sha256 !== pin.sha256)
      return `${pin.path}: SHA-256 ${f.sha256}, but the model list pins ${pin.sha256}`;
  }
  return null;
}

/** Copies a local bundle (ours or Immich's layout) into modelsDir after checking it with loadBundle. */
export async function importBundle(
  src: string,
  modelsDir: string,
  opts: ImportOptions = {},
): Promise<InstalledModel> {
  const from = resolve(src);
  const bundle = loadBundle(from); // a broken bundle stops here, naming the file and field
  const id = checkModelId(
    opts.id ?? (bundle.layout === 'glimpse' ? bundle.id : basename(from)),
    bundle.layout === 'glimpse' ? 'model id' : '--id',
  );
  if (bundle.layout === 'glimpse' && id !== bundle.id) {
    throw new BundleError(
      join(from, 'model.json'),
      'id',
      `is "${bundle.id}", but --id says "${id}": vectors are stored under model.json's id, so a Glimpse ` +
        `bundle is installed under that id`,
    );
  }
  if (existsSync(join(modelsDir, id)) && !opts.replace)
    throw new ModelDownloadError('EXISTS', `${id} is already installed (use --force to replace it)`);
  await mkdir(join(modelsDir, PARTIAL_DIR), { recursive: true });
  await ensureFreeSpace(modelsDir, folderSize(from), `importing ${id}`, opts.statfs);
  const staging = join(modelsDir, PARTIAL_DIR, `import-${id}-${process.pid}-${Date.now()}`);
  try {
    await cp(from, staging, {
      recursive: true,
      dereference: true,
      filter: (source) => basename(source) !== INSTALL_RECORD,
    });
    // Hashed as copied in, not at the source: what is checked is exactly what gets installed.
    const files = await hashFiles(
      staging,
      (await listFiles(staging)).map((f) => ({ ...f, sha256: null })),
    );
    const wrong = opts.pins ? pinMismatch(files, opts.pins) : null;
    if (wrong)
      throw new ModelDownloadError(
        'BAD_SOURCE',
        `${from} is not the ${id} the model list describes — ${wrong}; nothing was installed`,
        { file: wrong.split(':')[0] },
      );
    return await commitInstall(staging, modelsDir, id, {
      replace: opts.replace,
      record: { source: from, files },
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
