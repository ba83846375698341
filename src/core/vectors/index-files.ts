// The vector index's files beside the database: one HNSW graph file per shard per saved generation and
// a small JSON sidecar naming them. The sidecar's rename is the commit point, so a crash anywhere leaves
// either the old set or the new one, and a graph file is only handed to hnswlib once its checksum matches.
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fsyncDir, writeFileAtomic } from './durable-files';
import { outgrown, SPACE } from './params';

/** Bumped when the sidecar's fields or the meaning of the graph file change (2: sharded graphs). */
export const SIDECAR_FORMAT = 2;

const ShardFileSchema = z.object({
  /** Graph file name inside the index folder. */
  file: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** Live labels in this shard's graph. */
  count: z.number().int().nonnegative(),
  /** Nodes in this shard's graph, marked-deleted ones included. */
  elements: z.number().int().nonnegative(),
});
export type ShardFile = z.infer<typeof ShardFileSchema>;

const SidecarSchema = z.object({
  format: z.literal(SIDECAR_FORMAT),
  space: z.literal(SPACE),
  dim: z.number().int().positive(),
  modelId: z.string().min(1),
  M: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  generation: z.number().int().positive(),
  /** Live (searchable) labels over all shards. */
  count: z.number().int().nonnegative(),
  /** Graph nodes over all shards, marked-deleted ones included. */
  elements: z.number().int().nonnegative(),
  /** Shard i holds the labels with label % shards.length === i. */
  shards: z.array(ShardFileSchema).min(1).max(64),
  savedAt: z.string(),
});
export type Sidecar = z.infer<typeof SidecarSchema>;

/** What a sidecar must match to be loaded: the caller's model and parameters. */
interface IndexShape {
  dim: number;
  modelId: string;
  /** Build parameters asked for, or null to accept any that suit `count` photos (params.ts outgrown()). */
  M: number | null;
  efConstruction: number | null;
  /** Photos in the database now. */
  count: number;
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
    // Format 1's unsharded name-<generation>.hnsw too, so an upgrade's rebuild removes it.
    this.graphPattern = new RegExp(`^${name.replace(/[.]/g, '\\.')}-\\d+(-\\d+)?\\.hnsw(\\.tmp)?$`);
  }

  graphFile(generation: number, shard: number): string {
    return `${this.name}-${generation}-${shard}.hnsw`;
  }

  graphPath(generation: number, shard: number): string {
    return join(this.dir, this.graphFile(generation, shard));
  }

  tempGraphPath(generation: number, shard: number): string {
    return `${this.graphPath(generation, shard)}.tmp`;
  }

  /** The sidecar for shards written as `generation` (shard i's graph at tempGraphPath(generation, i)). */
  sidecarFor(
    shape: Pick<Sidecar, 'dim' | 'modelId' | 'M' | 'efConstruction'>,
    generation: number,
    written: Array<Omit<ShardFile, 'file'>>,
  ): Sidecar {
    const shards = written.map(({ bytes, checksum, count, elements }, i) => ({
      file: this.graphFile(generation, i),
      bytes,
      checksum,
      count,
      elements,
    }));
    return {
      format: SIDECAR_FORMAT,
      space: SPACE,
      ...shape,
      generation,
      count: shards.reduce((sum, f) => sum + f.count, 0),
      elements: shards.reduce((sum, f) => sum + f.elements, 0),
      shards,
      savedAt: new Date().toISOString(),
    };
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
    const { generation, shards, count, elements } = parsed.data;
    for (const [i, shard] of shards.entries()) {
      if (shard.file !== this.graphFile(generation, i))
        return { problem: `${this.sidecarPath}: file "${shard.file}" is not this index's generation file` };
    }
    const sum = (field: 'count' | 'elements') => shards.reduce((total, shard) => total + shard[field], 0);
    if (sum('count') !== count || sum('elements') !== elements)
      return { problem: `${this.sidecarPath}: the shards' counts do not add up to the index's` };
    return { sidecar: parsed.data };
  }

  /**
   * Publishes graphs written (and fsynced) at tempGraphPath(sidecar.generation, shard): renames them
   * into place, then replaces the sidecar atomically, then removes older generations.
   */
  async commit(sidecar: Sidecar): Promise<void> {
    for (let i = 0; i < sidecar.shards.length; i++)
      await rename(this.tempGraphPath(sidecar.generation, i), this.graphPath(sidecar.generation, i));
    await fsyncDir(this.dir);
    await writeFileAtomic(this.sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
    await this.removeGraphsExcept(new Set(sidecar.shards.map((s) => s.file)));
  }

  /** Forgets the saved index: the sidecar first, so a crash midway leaves nothing that looks valid. */
  async discard(): Promise<void> {
    await rm(this.sidecarPath, { force: true });
    await fsyncDir(this.dir);
    await this.removeGraphsExcept(new Set());
  }

  private async removeGraphsExcept(keep: Set<string>): Promise<void> {
    for (const entry of await readdir(this.dir)) {
      if (!keep.has(entry) && this.graphPattern.test(entry)) await rm(join(this.dir, entry), { force: true });
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
  if (want.M !== null || want.efConstruction !== null) {
    if (s.M !== (want.M ?? s.M) || s.efConstruction !== (want.efConstruction ?? s.efConstruction))
      return `${path}: built with M=${s.M} efConstruction=${s.efConstruction}, asked for M=${want.M ?? s.M} efConstruction=${want.efConstruction ?? s.efConstruction}`;
  } else {
    const problem = outgrown(s, want.count);
    if (problem) return `${path}: ${problem}`;
  }
  if (!expected) return `${path}: generation ${s.generation} is not recorded in the database`;
  if (s.generation !== expected.generation) {
    return `${path}: generation ${s.generation}, the database recorded ${expected.generation}`;
  }
  if (s.count !== expected.count)
    return `${path}: holds ${s.count} vectors, the database recorded ${expected.count}`;
  return null;
}
