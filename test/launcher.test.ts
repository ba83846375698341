import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/glimpse.cjs', import.meta.url));
const probe = fileURLToPath(new URL('./helpers/threadpool-probe.cjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'glimpse-launcher-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in CLI bundle whose main() prints the size of the pool it finds itself running on. */
const fakeCli = `import { createRequire } from 'node:module';
const { threadpoolSize } = createRequire(import.meta.url)(${JSON.stringify(probe)});
export async function main() { process.stdout.write(String(await threadpoolSize())); return 0; }
`;

function runLauncher(layout: 'bin' | 'built', env: NodeJS.ProcessEnv = {}): number {
  const root = mkdtempSync(join(scratch, `${layout}-`));
  const bundleDir = join(root, 'out', 'cli');
  mkdirSync(bundleDir, { recursive: true });
  writeFileSync(join(bundleDir, 'glimpse.mjs'), fakeCli);
  // As installed (bin/ beside out/cli/) and as tools/build-cli.mjs copies it (beside the bundle).
  const copy = layout === 'bin' ? join(root, 'bin', 'glimpse.cjs') : join(bundleDir, 'glimpse.cjs');
  mkdirSync(join(copy, '..'), { recursive: true });
  copyFileSync(launcher, copy);
  copyFileSync(join(launcher, '..', 'threadpool.cjs'), join(copy, '..', 'threadpool.cjs'));
  const { UV_THREADPOOL_SIZE: _inherited, ...rest } = process.env;
  return Number(execFileSync(process.execPath, [copy], { env: { ...rest, ...env }, encoding: 'utf8' }));
}

describe.runIf(process.platform === 'linux')('the glimpse launcher', () => {
  it('gives libuv one thread per core plus four before the CLI loads', () => {
    expect(runLauncher('bin')).toBe(cpus().length + 4);
  });

  it('does the same when run beside the built bundle', () => {
    expect(runLauncher('built')).toBe(cpus().length + 4);
  });

  it("keeps the user's own UV_THREADPOOL_SIZE", () => {
    expect(runLauncher('bin', { UV_THREADPOOL_SIZE: '3' })).toBe(3);
  });

  it('sizes the pool of `npm run glimpse` too (tsx, preloading the same file)', () => {
    const entry = join(scratch, 'dev.mts');
    writeFileSync(entry, `${fakeCli}await main();\n`);
    const { UV_THREADPOOL_SIZE: _inherited, ...env } = process.env;
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
    const script = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts
      .glimpse;
    expect(script).toBe('tsx --require ./bin/threadpool.cjs src/cli/index.ts');
    const out = execFileSync(tsx, ['--require', './bin/threadpool.cjs', entry], { env, encoding: 'utf8' });
    expect(Number(out)).toBe(cpus().length + 4);
  });

  it('is needed: an ES module entry that sets the size itself still gets the default 4', () => {
    const entry = join(scratch, 'late.mjs');
    writeFileSync(
      entry,
      `process.env.UV_THREADPOOL_SIZE = '${cpus().length + 4}';\n${fakeCli}await main();\n`,
    );
    const { UV_THREADPOOL_SIZE: _inherited, ...env } = process.env;
    expect(Number(execFileSync(process.execPath, [entry], { env, encoding: 'utf8' }))).toBe(4);
  });
});
