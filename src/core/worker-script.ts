// Locates a worker thread's script both from a build, where each worker is bundled beside the file
// that starts it, and from source (tests, tsx), where the worker must first register tsx's loader.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Arguments for `new Worker(source, { eval })`. */
interface WorkerScript {
  source: URL | string;
  eval: boolean;
}

/** `name` without extension, resolved against the caller's import.meta.url. */
export function workerScript(callerUrl: string, name: string): WorkerScript {
  for (const ext of ['.mjs', '.js', '.cjs']) {
    const file = new URL(`./${name}${ext}`, callerUrl);
    if (existsSync(fileURLToPath(file))) return { source: file, eval: false };
  }
  const source = new URL(`./${name}.ts`, callerUrl);
  if (!existsSync(fileURLToPath(source))) {
    throw new Error(
      `worker script "${name}" not found beside ${fileURLToPath(callerUrl)} (is the build complete?)`,
    );
  }
  // Loader hooks of the parent do not reach worker threads, and Node 20 ignores `--import` in a worker's
  // execArgv, so the worker registers tsx (a devDependency; a build never takes this path) itself.
  const tsx = import.meta.resolve('tsx/esm/api');
  return {
    source: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`,
    eval: true,
  };
}
