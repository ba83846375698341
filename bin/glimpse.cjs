#!/usr/bin/env node
// The `glimpse` command: sizes libuv's thread pool, then runs the CLI bundle that `npm run build`
// writes to out/cli/ (tools/build-cli.mjs also copies this file there as glimpse.cjs, its launcher).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

require('./threadpool.cjs'); // before anything else loads: see there

const entry = [join(__dirname, 'glimpse.mjs'), join(__dirname, '..', 'out', 'cli', 'glimpse.mjs')].find(
  existsSync,
);
if (!entry) {
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
