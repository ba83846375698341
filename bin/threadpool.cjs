// Sizes libuv's thread pool for Glimpse: sharp decodes, file reads and hashing all run on it, so one
// thread per core plus a few for I/O (the user's own UV_THREADPOOL_SIZE wins). Node reads the
// variable once, when the pool starts on its first job, and an ES module entry is itself read through
// the pool, so this must run as CommonJS before any ES module loads: required by bin/glimpse.cjs, and
// preloaded with `--require` by `npm run glimpse`.
const { cpus } = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(cpus().length + 4);
