// The vector index's files beside the database: one HNSW graph file per saved generation and a small
// JSON sidecar naming it. The sidecar's rename is the commit point, so a crash anywhere leaves either
// the old pair or the new one, and a graph file is only handed to hnswlib once its checksum matches.
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fsyncDir, writeFileAtomic } from './durable-files';
import { SPACE } from './params';

/** Bumped when the sidecar's fields or the meaning of the graph file change. */
export const SIDECAR_FORMAT = 1;

export const SidecarSchema = z.object({
  format: z.literal(SIDECAR_FORMAT),
  space: z.literal(SPACE),
  dim: z.number().int().positive(),
  modelId: z.string().min(1),
  M: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  generation: z.number().int().positive(),
  /** Live (searchable) labels in the graph. */
  count: z.number().int().nonnegative(),
  /** Nodes in the graph, marked-deleted ones included. */
  elements: z.number().int().nonnegative(),
  /** Graph file name inside the index folder. */
  file: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  savedAt: z.string(),
});
export type Sidecar = z.infer<typeof SidecarSchema>;

/** What a sidecar must match to be loaded: the caller's model and parameters. */
export interface IndexShape {
  dim: number;
  modelId: string;
  M: number;
  efConstruction: number;
}

/** What the database recorded from the last save() (null when it has no record). */
export interface IndexManifest {
  generation: number;
  count: number;
}

export class IndexFiles {
  readonly sidecarPath: string;
  private readonly graphPattern: RegExp;

  constructor(
    readonly dir: string,
    readonly name: string,
  ) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name))
      throw new Error(`vector index name "${name}": use letters, digits, _ . -`);
    this.sidecarPath = join(dir, `${name}.json`);
    this.graphPattern = new RegExp(`^${name.replace(/[.]/g, '\\.')}-\\d+\\.hnsw(\\.tmp)?$`);
  }

  graphFile(generation: number): string {
    return `${this.name}-${generation}.hnsw`;
  }

  graphPath(generation: number): string {
    return join(this.dir, this.graphFile(generation));
  }

  tempGraphPath(generation: number): string {
    return `${this.graphPath(generation)}.tmp`;
  }

  /** The sidecar, or why there is no usable one. */
  async readSidecar(): Promise<{ sidecar: Sidecar } | { problem: string }> {
    let text: string;
    try {
      text = await readFile(this.sidecarPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        return { problem: `${this.sidecarPath}: no saved index` };
      return { problem: `${this.sidecarPath}: unreadable (${(e as Error).message})` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return { problem: `${this.sidecarPath}: not JSON (${(e as Error).message})` };
    }
    const parsed = SidecarSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { problem: `${this.sidecarPath}: field "${issue.path.join('.')}" ${issue.message}` };
    }
    if (parsed.data.file !== this.graphFile(parsed.data.generation)) {
      return {
        problem: `${this.sidecarPath}: file "${parsed.data.file}" is not this index's generation file`,
      };
    }
    return { sidecar: parsed.data };
  }

  /**
   * Publishes a graph written (and fsynced) at tempGraphPath(sidecar.generation): renames it into
   * place, then replaces the sidecar atomically, then removes older generations.
   */
  async commit(sidecar: Sidecar): Promise<void> {
    await rename(this.tempGraphPath(sidecar.generation), this.graphPath(sidecar.generation));
    await fsyncDir(this.dir);
    await writeFileAtomic(this.sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
    await this.removeGraphsExcept(sidecar.file);
  }

  /** Forgets the saved index: the sidecar first, so a crash midway leaves nothing that looks valid. */
  async discard(): Promise<void> {
    await rm(this.sidecarPath, { force: true });
    await fsyncDir(this.dir);
    await this.removeGraphsExcept(null);
  }

  private async removeGraphsExcept(keep: string | null): Promise<void> {
    for (const entry of await readdir(this.dir)) {
      if (entry !== keep && this.graphPattern.test(entry)) await rm(join(this.dir, entry), { force: true });
    }
  }
}

/** Why the sidecar must not be loaded for this caller, or null when it may. */
export function sidecarMismatch(
  path: string,
  s: Sidecar,
  want: IndexShape,
  expected: IndexManifest | null,
): string | null {
  if (s.dim !== want.dim) return `${path}: dim is ${s.dim}, the model gives ${want.dim}`;
  if (s.modelId !== want.modelId) return `${path}: built for model "${s.modelId}", not "${want.modelId}"`;
  if (s.M !== want.M || s.efConstruction !== want.efConstruction) {
    return `${path}: built with M=${s.M} efConstruction=${s.efConstruction}, asked for M=${want.M} efConstruction=${want.efConstruction}`;
  }
  if (!expected) return `${path}: generation ${s.generation} is not recorded in the database`;
  if (s.generation !== expected.generation) {
    return `${path}: generation ${s.generation}, the database recorded ${expected.generation}`;
  }
  if (s.count !== expected.count)
    return `${path}: holds ${s.count} vectors, the database recorded ${expected.count}`;
  return null;
}
