// The modules a file loads when it runs, followed through the repository's own files: what a bundle of
// it would import. Type-only imports load nothing and are not followed.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/** Specifiers a file loads at run time: `import type` and `export type` are erased, everything else
 *  (an import of types only through `{ type X }` included, which verbatimModuleSyntax keeps) is not. */
function loadedSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const st of source.statements) {
    if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly)
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly)
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
  }
  return out;
}

/** The TypeScript file a relative specifier names; null for data (JSON), which imports nothing. */
function resolveLocal(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  if (base.endsWith('.json')) return null;
  for (const candidate of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base])
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return candidate;
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

/** 'sharp' of 'sharp', '@scope/pkg' of '@scope/pkg/sub'. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

/** The packages (not Node built-ins) `entry` loads, directly or through the repository's files. */
export function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const walk = (file: string | null) => {
    if (!file || seen.has(file)) return;
    seen.add(file);
    for (const specifier of loadedSpecifiers(file)) {
      if (specifier.startsWith('.')) walk(resolveLocal(file, specifier));
      else if (!isBuiltin(specifier)) packages.add(packageOf(specifier));
    }
  };
  walk(resolve(entry));
  return packages;
}
