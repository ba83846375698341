#!/usr/bin/env node
// The `glimpse` command: runs the CLI bundle that `npm run build` writes to out/cli/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const entry = join(__dirname, '..', 'out', 'cli', 'glimpse.mjs');
if (!existsSync(entry)) {
  process.stderr.write(
    'glimpse: the CLI is not built yet. Run `npm run build` (or `npm run glimpse -- <args>` from source).\n',
  );
  process.exit(1);
}
import(pathToFileURL(entry).href)
  .then((cli) => cli.main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
