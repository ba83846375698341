// The model store: the model list, the installed models in modelsDir and settings.json's choice of
// model, behind one object the CLI and the app's engine both use.
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { GpuStatus } from '../gpu/nvidia-smi';
import { glimpseHome } from '../paths';
import { settingsFile, writeSettings } from '../settings';
import { builtInModelList, findEntry, type ModelList, type ModelListEntry } from './model-list';
import { ModelDownloadError } from './errors';
import {
  checkModelId,
  emptyTrash,
  importBundle,
  listInstalled,
  PARTIAL_DIR,
  removeInstalled,
  type ImportOptions,
  type InstalledModel,
} from './install';
import { recommendModel, suitability } from './recommend';
import type { Env } from './proxy';
import { pullModel, type PullOptions, type PullResult, type PullTarget } from './pull';
import type { ModelOverview, ModelRow } from '../../shared/types';
export type { ModelOverview };

interface ModelStoreOptions {
  /** The Glimpse folder (settings.json, models/); default glimpseHome(env). */
  home?: string;
  env?: Env;
  modelList?: ModelList;
}

/** settings.json's per-model source overrides: { "modelSources": { "<id>": "<base URL or folder>" } }. */
const sourcesSchema = z.object({ modelSources: z.record(z.string(), z.string().min(1)).optional() });

export class ModelStore {
  readonly home: string;
  readonly modelsDir: string;
  readonly modelList: ModelList;
  readonly env: Env;

  constructor(opts: ModelStoreOptions = {}) {
    this.env = opts.env ?? process.env;
    this.home = opts.home ?? glimpseHome(this.env);
    this.modelsDir = join(this.home, 'models');
    this.modelList = opts.modelList ?? builtInModelList();
  }

  entry(id: string): ModelListEntry | undefined {
    return findEntry(this.modelList, id);
  }

  installed(): InstalledModel[] {
    return listInstalled(this.modelsDir);
  }

  /** The source settings.json gives for `id`, if any. A damaged file is reported, naming the field. */
  sourceOverride(id: string): string | undefined {
    const file = settingsFile(this.home);
    if (!existsSync(file)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined; // readStoredSettings reports a damaged settings.json; it means "defaults"
    }
    const parsed = sourcesSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ModelDownloadError('BAD_SOURCE', `${file} (${issue.path.join('.')}): ${issue.message}`);
    }
    return parsed.data.modelSources?.[id];
  }

  /** Everything `glimpse model list` and the settings screen show. `activeDir` is the model folder in
   *  use (workspace.modelDir: --model, GLIMPSE_MODEL or settings.json). */
  overview(gpu: GpuStatus, activeDir: string): ModelOverview {
    const installed = this.installed();
    const recommended = recommendModel(gpu, this.modelList);
    const active = resolve(activeDir);
    const activeInstalled = installed.find((m) => resolve(m.dir) === active);
    const rows: ModelRow[] = this.modelList.models.map((entry) => {
      const inst = installed.find((m) => m.id === entry.id);
      const fit = suitability(entry, gpu);
      return {
        id: entry.id,
        name: entry.name,
        description: entry.description,
        inModelList: true,
        installed: !!inst,
        valid: inst?.valid ?? false,
        problem: inst?.problem ?? null,
        active: !!inst && inst === activeInstalled,
        recommended: entry.id === recommended.id,
        layout: entry.layout,
        precision: entry.precision,
        embedDim: entry.embedDim,
        sizeBytes: inst?.sizeBytes ?? entry.sizeBytes,
        speed: entry.speed,
        suits: fit.suits,
        suitsWhy: fit.why,
        dir: inst?.dir ?? null,
        bundleId: inst?.bundleId ?? null,
      };
    });
    for (const inst of installed) {
      if (this.modelList.models.some((m) => m.id === inst.id)) continue;
      rows.push({
        id: inst.id,
        name: inst.name ?? inst.id,
        description: inst.record ? `installed from ${inst.record.source}` : null,
        inModelList: false,
        installed: true,
        valid: inst.valid,
        problem: inst.problem,
        active: inst === activeInstalled,
        recommended: false,
        layout: inst.layout ?? null,
        precision: inst.precision ?? null,
        embedDim: inst.embedDim ?? null,
        sizeBytes: inst.sizeBytes,
        speed: null,
        suits: null,
        suitsWhy: null,
        dir: inst.dir,
        bundleId: inst.bundleId ?? null,
      });
    }
    return {
      modelsDir: this.modelsDir,
      active: { dir: active, id: activeInstalled?.id ?? null, present: existsSync(active) },
      recommended,
      models: rows,
    };
  }

  /** Downloads a listed model (or, with `from`, any model under an id of your choosing). */
  async pull(idArg: string, opts: Omit<PullOptions, 'env'> = {}): Promise<PullResult> {
    const entry = this.entry(idArg);
    const from = opts.from ?? this.sourceOverride(entry?.id ?? idArg);
    if (!entry && !from) {
      const known = this.modelList.models.map((m) => m.id).join(', ');
      throw new ModelDownloadError(
        'UNKNOWN_MODEL',
        `"${idArg}" is not in the model list (${known}); to install another model, give its source with ` +
          `--from <url or folder>, or use glimpse model import <folder>`,
      );
    }
    const target: PullTarget = entry
      ? {
          id: entry.id,
          layout: entry.layout,
          embedDim: entry.embedDim,
          source: entry.source,
          published: entry.published ?? true,
          build: entry.build,
          name: entry.name,
        }
      : {
          id: checkModelId(idArg),
          layout: null,
          embedDim: null,
          source: { baseUrl: from! },
          published: true,
        };
    await emptyTrash(this.modelsDir);
    return pullModel(target, this.modelsDir, { ...opts, from, env: this.env });
  }

  async import(dir: string, opts: ImportOptions = {}): Promise<InstalledModel> {
    await emptyTrash(this.modelsDir);
    return importBundle(dir, this.modelsDir, opts);
  }

  /** The model settings.json makes active (what a command without --model or GLIMPSE_MODEL uses). */
  settingsActive(): string | undefined {
    try {
      const json = JSON.parse(readFileSync(settingsFile(this.home), 'utf8')) as { activeModel?: unknown };
      return typeof json.activeModel === 'string' ? json.activeModel : undefined;
    } catch {
      return undefined;
    }
  }

  /** Deletes an installed model, and any partial download of it. The model in use is refused unless
   *  `force`: `activeDir` is the folder in use now, and settings.json's choice counts too. */
  async remove(
    id: string,
    opts: { force?: boolean; activeDir?: string } = {},
  ): Promise<{ freedBytes: number; partial: boolean }> {
    checkModelId(id);
    const dir = join(this.modelsDir, id);
    const inUse =
      this.settingsActive() === id ||
      (opts.activeDir !== undefined && resolve(opts.activeDir) === resolve(dir));
    if (inUse && existsSync(dir) && !opts.force)
      throw new ModelDownloadError(
        'BUSY',
        `${id} is the active model; choose another with glimpse model use <id> first, or pass --force`,
      );
    const partial = join(this.modelsDir, PARTIAL_DIR, id);
    const hadPartial = existsSync(partial);
    await rm(partial, { recursive: true, force: true });
    await rm(`${partial}.json`, { force: true });
    if (!existsSync(dir)) {
      if (hadPartial) return { freedBytes: 0, partial: true };
      throw new ModelDownloadError('UNKNOWN_MODEL', `${id} is not installed`);
    }
    const { freedBytes } = await removeInstalled(this.modelsDir, id);
    return { freedBytes, partial: hadPartial };
  }

  /** Makes an installed model the active one in settings.json (clearing a chosen model folder, which
   *  would otherwise win). The library opens the index of the active model's vectors only. */
  use(id: string): InstalledModel {
    const model =
      this.installed().find((m) => m.id === id) ??
      this.installed().find((m) => m.id.toLowerCase() === id.toLowerCase());
    if (!model) {
      const entry = this.entry(id);
      throw new ModelDownloadError(
        'UNKNOWN_MODEL',
        `${id} is not installed${entry ? `; download it with glimpse model pull ${entry.id}` : ''}`,
      );
    }
    if (!model.valid)
      throw new ModelDownloadError('BAD_SOURCE', `${model.id} cannot be used: ${model.problem}`);
    writeSettings(this.home, { activeModel: model.id, modelDir: null });
    return model;
  }
}
