// Gives tests the folder of the tiny hand-designed test model, built once per (dtype, layout) into
// node_modules/.cache and rebuilt whenever the builder's sources change.
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestModel } from '../../tools/test-model/build';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'glimpse-test');
/** Written last into a finished build: its content is the fingerprint of the sources it was built from. */
const STAMP = '.glimpse-test-model-stamp';

/** Everything the bundle's bytes depend on: the builder, the tokenizer writer, the vocabulary, and the
 *  core modules the builder imports. */
const SOURCE_DIRS = ['tools/test-model', 'tools/clip-tokenizer', 'resources/clip-bpe'];
const SOURCE_FILES = [
  'src/core/runtime/types.ts',
  'src/core/runtime/float16.ts',
  'src/core/runtime/tokenizer.ts',
  'src/core/runtime/clip-vocab.ts',
  'test/helpers/test-model.ts',
];

function sourceFingerprint(): string {
  const files = [
    ...SOURCE_DIRS.flatMap((d) =>
      existsSync(join(ROOT, d))
        ? readdirSync(join(ROOT, d))
            .filter((f) => !f.endsWith('.test.ts'))
            .map((f) => join(ROOT, d, f))
        : [],
    ),
    ...SOURCE_FILES.map((f) => join(ROOT, f)),
  ].filter((f) => existsSync(f) && statSync(f).isFile());
  // Size and mtime, not just the newest mtime: a checkout that puts back older files also rebuilds.
  return files
    .sort()
    .map((f) => {
      const st = statSync(f);
      return `${relative(ROOT, f)} ${st.size} ${st.mtimeMs}`;
    })
    .join('\n');
}

function stampOf(dir: string): string | null {
  try {
    return readFileSync(join(dir, STAMP), 'utf8');
  } catch {
    return null;
  }
}

function isExistsError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM';
}

/** Builds into a private temp folder and renames it into place, so a test file never sees a half-written
 *  bundle, and two test processes racing to build both end up with one complete folder. */
async function ensureBuilt(dtype: 'float32' | 'float16', layout: 'glimpse' | 'immich'): Promise<string> {
  const dir = join(CACHE, `model-${layout}-${dtype}`);
  const fingerprint = sourceFingerprint();
  if (stampOf(dir) === fingerprint) return dir;

  mkdirSync(CACHE, { recursive: true });
  const tmp = join(CACHE, `.tmp-${layout}-${dtype}-${process.pid}-${randomUUID()}`);
  try {
    await buildTestModel({ out: tmp, dtype, layout });
    writeFileSync(join(tmp, STAMP), fingerprint);
    try {
      renameSync(tmp, dir);
      return dir;
    } catch (err) {
      if (!isExistsError(err)) throw err;
    }
    // Another process finished first, or a stale build is in the way: move it aside, then retry once.
    if (stampOf(dir) === fingerprint) return dir;
    const old = join(CACHE, `.old-${layout}-${dtype}-${process.pid}-${randomUUID()}`);
    try {
      renameSync(dir, old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    rmSync(old, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!isExistsError(err) || stampOf(dir) !== fingerprint) throw err;
    }
    return dir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const builds = new Map<string, Promise<string>>();

/** Folder of the test model bundle for `dtype` and `layout` (Immich's layout is float32 only). */
export async function testModelDir(
  dtype: 'float32' | 'float16' = 'float32',
  layout: 'glimpse' | 'immich' = 'glimpse',
): Promise<string> {
  const key = `${layout}-${dtype}`;
  let build = builds.get(key);
  if (!build) {
    build = ensureBuilt(dtype, layout);
    builds.set(key, build);
    // A failed build is not remembered: the next call tries again.
    build.catch(() => builds.delete(key));
  }
  return build;
}
