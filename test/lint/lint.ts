// Lints a snippet as if it were a file of the repository, with the repository's own ESLint config: the
// layer rules' tests write a deliberate violation and read the message back.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
let eslint: ESLint | undefined;

/** The messages of the rules that fail `code` placed at `file` (relative to the repository root). */
export async function lintAs(file: string, code: string): Promise<string[]> {
  eslint ??= new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}
