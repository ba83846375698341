// `npm run bench [-- --quick]`: prints one JSON object of measurements, each beside the baseline
// measured in the same run; progress goes to stderr. tools/bench/README.md explains every key.
import { parseOptions, USAGE, UsageError } from './options';
import { runBench } from './run';

const started = performance.now();
const log = (line: string) => {
  const s = Math.round((performance.now() - started) / 1000);
  process.stderr.write(`[${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}] ${line}\n`);
};

try {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const report = await runBench(parseOptions(process.argv.slice(2)), log);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  if (e instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  else if ((e as Error).stack) process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
