// Fetches a whole model: resolves its files, checks free space, downloads each into .partial/<id>/
// (resumable across interruptions and restarts), then validates the bundle and renames it into place.
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { BundleError, loadBundle } from '../runtime/bundle';
import { buildAndInstall, bundleSizeEstimate } from './build-install';
import type { SelfCheckOptions, SelfCheckReport } from './build/self-check';
import type { BuildSpec, SourceSpec } from './model-list';
import { ensureFreeSpace, formatBytes, type StatfsFn } from './disk';
import { DEFAULT_RETRY, downloadFile, type RetryPolicy } from './download-file';
import { cancelled, ModelDownloadError } from './errors';
import type { HttpOptions } from './http';
import { checkModelId, commitInstall, importBundle, PARTIAL_DIR, type InstalledModel } from './install';
import { PullMeter, type PullProgress } from './progress';
import type { Env } from './proxy';
import { resolveSource, type RemoteFile } from './resolve';
import { isAlive } from '../catalog/lock';

/** What to fetch: a model-list entry, or a model known only by the id and URL the user gave. */
export interface PullTarget {
  id: string;
  /** Expected layout and embedding size (from the model list); null when unknown. */
  layout: 'glimpse' | 'immich' | null;
  embedDim: number | null;
  source: Partial<SourceSpec> & { baseUrl: string };
  /** False when the model list says its source is not yet online: failures then say what to do. */
  published: boolean;
  /** The source is a checkpoint to build the bundle from (listed models published that way). */
  build?: BuildSpec;
  /** Display name for a built bundle's model.json. */
  name?: string;
}

export interface PullOptions {
  /** Replaces the model list's base URL: a mirror (a Hub-style repository or a plain server, which must
   *  serve the same files the model list names or pins) or a local folder. */
  from?: string;
  /** Replace an installed model of the same id. */
  replace?: boolean;
  /** Checkpoint sources: keep the downloaded checkpoint (in modelsDir/.checkpoints/<id>/) after building. */
  keepCheckpoint?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** Things worth telling the user that are not errors (a retry, a server that ignored Range). */
  onNote?: (note: string) => void;
  /** Proxy settings and HF_TOKEN / HF_ENDPOINT are read here; default process.env. */
  env?: Env;
  statfs?: StatfsFn;
  retry?: RetryPolicy;
  idleTimeoutMs?: number;
  ca?: string | Buffer;
  /** Checkpoint sources: the providers (and device) the app will use, which the self-check runs on. */
  check?: SelfCheckOptions;
}

export interface PullResult {
  id: string;
  model: InstalledModel;
  /** Where the files came from. */
  source: string;
  files: number;
  bytesDownloaded: number;
  bytesResumed: number;
  seconds: number;
  /** Checkpoint sources kept with keepCheckpoint: where the checkpoint now is. */
  checkpoint?: string | null;
  /** Checkpoint sources: the install-time self-check, with the provider it ran on. */
  selfCheck?: SelfCheckReport;
}

interface Manifest {
  id: string;
  source: string;
  files: RemoteFile[];
}

/** One download per model at a time: a pid file beside the partial folder, taken over when stale. */
function takeLock(file: string, id: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmQuiet(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw new ModelDownloadError('BUSY', `${id} is already being downloaded (process ${pid})`);
      rmQuiet(file);
    }
  }
  throw new ModelDownloadError('BUSY', `${id}: could not take the download lock ${file}`);
}

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function readManifest(file: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** A kept part is only worth resuming if it is a part of the same file. */
function sameFile(a: RemoteFile, b: RemoteFile): boolean {
  if (a.sha256 && b.sha256) return a.sha256 === b.sha256 && a.size === b.size;
  if (a.gitSha1 && b.gitSha1) return a.gitSha1 === b.gitSha1;
  return a.url === b.url && a.size === b.size;
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** Deletes parts that belong to no file of this download, or to another version of it. */
async function reconcilePartial(
  partial: string,
  previous: Manifest | null,
  files: RemoteFile[],
): Promise<void> {
  const wanted = new Map(files.map((f) => [f.path, f]));
  for (const path of await filesUnder(partial)) {
    const now = wanted.get(path);
    const before = previous?.files.find((f) => f.path === path);
    if (!now || !before || !sameFile(before, now)) await rm(join(partial, path), { force: true });
  }
}

const sizeOf = async (file: string) => (await stat(file).catch(() => null))?.size ?? 0;

async function pullFromFolder(
  target: PullTarget,
  dir: string,
  modelsDir: string,
  opts: PullOptions,
): Promise<PullResult> {
  const started = performance.now();
  const pins = target.source.files?.filter((f) => f.sha256 !== undefined || f.size !== undefined);
  if (!pins?.some((f) => f.sha256))
    opts.onNote?.(
      `the model list pins no SHA-256 for ${target.id}: the files in ${dir} are installed unverified`,
    );
  const model = await importBundle(dir, modelsDir, {
    id: target.id,
    replace: opts.replace,
    statfs: opts.statfs,
    pins,
  });
  return {
    id: target.id,
    model,
    source: dir,
    files: model.record?.files.length ?? 0,
    bytesDownloaded: 0,
    bytesResumed: 0,
    seconds: (performance.now() - started) / 1000,
  };
}

function unpublishedHint(e: unknown, target: PullTarget, overridden: boolean): unknown {
  if (target.published || overridden || !(e instanceof ModelDownloadError)) return e;
  if (e.code !== 'NOT_FOUND' && e.code !== 'UNAUTHORIZED') return e;
  return new ModelDownloadError(
    e.code,
    `${e.message}\n${target.id} is not published yet: pull it with --from <url or folder> (a mirror, or your ` +
      `own export made with tools/export), or set modelSources.${target.id} in settings.json`,
    e.detail,
  );
}

/** Downloads, verifies and installs `target` into modelsDir/<id>. */
export async function pullModel(
  target: PullTarget,
  modelsDir: string,
  opts: PullOptions = {},
): Promise<PullResult> {
  const id = checkModelId(target.id);
  if (existsSync(join(modelsDir, id)) && !opts.replace)
    throw new ModelDownloadError('EXISTS', `${id} is already installed (use --force to download it again)`);
  if (opts.from && existsSync(opts.from) && statSync(opts.from).isDirectory())
    return pullFromFolder(target, opts.from, modelsDir, opts);

  const started = performance.now();
  const baseUrl = opts.from ?? target.source.baseUrl;
  const partialRoot = join(modelsDir, PARTIAL_DIR);
  const partial = join(partialRoot, id);
  const manifestFile = join(partialRoot, `${id}.json`);
  await mkdir(partialRoot, { recursive: true });
  const release = takeLock(join(partialRoot, `${id}.lock`), id);
  const meter = new PullMeter(id, opts.onProgress);
  const http: HttpOptions = {
    env: opts.env,
    signal: opts.signal,
    idleTimeoutMs: opts.idleTimeoutMs,
    ca: opts.ca,
  };
  let installing = false;
  try {
    meter.phase('resolving', null);
    const resolved = await resolveSource(baseUrl, target.source, http).catch((e) => {
      throw unpublishedHint(e, target, !!opts.from);
    });
    await reconcilePartial(partial, readManifest(manifestFile), resolved.files);
    await mkdir(partial, { recursive: true });
    await writeFile(
      manifestFile,
      JSON.stringify({ id, source: resolved.label, files: resolved.files }, null, 2),
    );

    let needed = 0;
    let total = 0;
    for (const f of resolved.files) {
      if (f.size === null) continue;
      total += f.size;
      needed += Math.max(0, f.size - (await sizeOf(join(partial, f.path))));
    }
    // A checkpoint and the bundle built from it are both on disk until the build is installed: check the peak.
    if (target.build) needed += bundleSizeEstimate(total, target.build.dtype);
    await ensureFreeSpace(modelsDir, needed, `downloading ${id}`, opts.statfs);
    Object.assign(meter.state, { filesTotal: resolved.files.length, bytesTotal: total });

    const ctx = {
      http: { ...http, originHeaders: resolved.originHeaders },
      retry: opts.retry ?? DEFAULT_RETRY,
      meter,
      onNote: opts.onNote,
    };
    let resumed = 0;
    for (const file of resolved.files) {
      const r = await downloadFile(file, join(partial, file.path), ctx);
      resumed += r.resumed;
      meter.state.filesDone++;
    }

    if (target.build) {
      const built = await buildAndInstall({
        id,
        name: target.name,
        build: target.build,
        partial,
        modelsDir,
        sourceLabel: resolved.label,
        meter,
        replace: opts.replace,
        keepCheckpoint: opts.keepCheckpoint,
        statfs: opts.statfs,
        check: opts.check,
        onNote: opts.onNote,
      });
      rmQuiet(manifestFile);
      meter.phase('done', null);
      return {
        id,
        model: built.model,
        source: resolved.label,
        files: built.model.record?.files.length ?? 0,
        bytesDownloaded: meter.bytesFromNetwork,
        bytesResumed: resumed,
        seconds: (performance.now() - started) / 1000,
        checkpoint: built.checkpoint,
        selfCheck: built.selfCheck,
      };
    }

    meter.phase('installing', null);
    installing = true;
    const bundle = (() => {
      try {
        return loadBundle(partial);
      } catch (e) {
        throw new ModelDownloadError(
          'BAD_SOURCE',
          `${resolved.label}: the downloaded files are not a usable model — ${(e as Error).message}`,
        );
      }
    })();
    const wrong =
      target.layout && bundle.layout !== target.layout
        ? `it is in ${bundle.layout}'s layout, the model list expects ${target.layout}'s`
        : target.embedDim && bundle.embedDim !== target.embedDim
          ? `its embeddings have ${bundle.embedDim} dimensions, the model list says ${target.embedDim}`
          : null;
    if (wrong) throw new ModelDownloadError('BAD_SOURCE', `${resolved.label} is not ${id}: ${wrong}`);
    const files = await Promise.all(
      resolved.files.map(async (f) => ({
        path: f.path,
        size: await sizeOf(join(partial, f.path)),
        sha256: f.sha256,
      })),
    );
    const model = await commitInstall(partial, modelsDir, id, {
      replace: opts.replace,
      record: { source: resolved.label, files },
    });
    rmQuiet(manifestFile);
    meter.phase('done', null);
    return {
      id,
      model,
      source: resolved.label,
      files: files.length,
      bytesDownloaded: meter.bytesFromNetwork,
      bytesResumed: resumed,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    if (opts.signal?.aborted) {
      const kept = await filesUnder(partial).then(async (fs) => {
        let n = 0;
        for (const f of fs) n += await sizeOf(join(partial, f));
        return n;
      });
      throw cancelled(
        id,
        `${formatBytes(kept)} already downloaded is kept in ${partial}; pull again to resume`,
      );
    }
    const unusable = e instanceof ModelDownloadError ? e.code === 'BAD_SOURCE' : e instanceof BundleError;
    if (installing && unusable) {
      // Verified bytes that do not make this model are no use to a later attempt.
      await rm(partial, { recursive: true, force: true });
      rmQuiet(manifestFile);
    }
    throw e;
  } finally {
    release();
  }
}
