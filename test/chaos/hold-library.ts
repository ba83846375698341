// A child process that opens a library's catalog as its writer and holds it until killed, so tests can
// meet the writer lock from a second process.
//
//   node --import tsx test/chaos/hold-library.ts <libraryDir>
import { Catalog } from '../../src/core/catalog/catalog';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: hold-library.ts <libraryDir>\n');
  process.exit(2);
}
const catalog = Catalog.open(dir);
process.on('SIGTERM', () => {
  catalog.close();
  process.exit(0);
});
process.stdout.write(`held ${process.pid}\n`);
// Keeps the event loop (and so the lock) alive until a signal arrives.
setInterval(() => {}, 60_000);
