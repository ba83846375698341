import { describe, expect, it } from 'vitest';
import { lintAs } from './lint';

// SQL lives in src/core/catalog: everything else asks the catalog a named query.

describe('the lint rule that keeps SQL in the catalog', () => {
  it('fails a prepared statement written outside the catalog', async () => {
    const messages = await lintAs(
      'src/core/search/stray.ts',
      "import type { Catalog } from '../catalog/catalog';\nexport const n = (c: Catalog) => c.db.prepare('SELECT 1').get();\n",
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/no-restricted-properties: .*SQL lives in src\/core\/catalog/),
    );
    expect(messages.filter((m) => m.includes('SQL lives'))).toHaveLength(2); // .db and .prepare
  });

  it('fails taking the connection apart, as in const { db } = catalog', async () => {
    const messages = await lintAs(
      'src/core/library-stray.ts',
      "import type { Catalog } from './catalog/catalog';\nexport const f = (catalog: Catalog) => {\n  const { db } = catalog;\n  return db;\n};\n",
    );
    expect(messages).toContainEqual(expect.stringMatching(/SQL lives in src\/core\/catalog/));
  });

  it('lets the catalog itself, and tests that damage a library on purpose, use the connection', async () => {
    const code =
      "import type { Catalog } from './catalog';\nexport const n = (c: Catalog) => c.db.prepare('SELECT 1').get();\n";
    expect(await lintAs('src/core/catalog/stray.ts', code)).toEqual([]);
    expect(await lintAs('src/core/catalog/stray.test.ts', code)).toEqual([]);
  });
});
