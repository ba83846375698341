// A stand-in `nvidia-smi` on PATH that replays a trace captured on a real GPU under load, one line per
// query, so the app's GPU panel can be seen (and tested) in its GPU state on a machine without one.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface StandIn {
  /** The folder holding the stand-in, first on PATH until restore(). */
  dir: string;
  /** Puts PATH back and removes the folder. */
  restore(): void;
}

// POSIX sh so it needs nothing installed; the counter file makes each call answer the next line.
const SCRIPT = `#!/bin/sh
here=$(dirname "$0")
case "$*" in
  *--version*) cat "$here/version.txt"; exit 0 ;;
  *--query-gpu=*) ;;
  *) echo "stand-in nvidia-smi: only --query-gpu and --version are replayed" >&2; exit 2 ;;
esac
n=$(cat "$here/count" 2>/dev/null || echo 0)
total=$(wc -l < "$here/trace.csv")
sed -n "$(( n % total + 1 ))p" "$here/trace.csv"
echo $(( n + 1 )) > "$here/count"
`;

/**
 * Installs the stand-in for this process and its children. `trace` is nvidia-smi's answer to the
 * panel's query (src/core/gpu/nvidia-smi.ts), one line per sample; the replay starts at line `from`
 * (0-based) and wraps around. `version` is what `nvidia-smi --version` printed on that machine.
 */
export function installNvidiaSmi(trace: string, version: string, from = 0): StandIn {
  const lines = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  if (!lines.length) throw new Error(`${trace}: no samples in the trace`);
  if (from < 0 || from >= lines.length)
    throw new RangeError(`${trace}: start line ${from} is outside its ${lines.length} samples`);
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-nvidia-smi-'));
  writeFileSync(join(dir, 'trace.csv'), `${[...lines.slice(from), ...lines.slice(0, from)].join('\n')}\n`);
  copyFileSync(version, join(dir, 'version.txt'));
  writeFileSync(join(dir, 'nvidia-smi'), SCRIPT);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  const before = process.env.PATH;
  process.env.PATH = [dir, before].filter(Boolean).join(delimiter);
  return {
    dir,
    restore() {
      process.env.PATH = before;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first sample at or above `utilisationPct`: where a trace's load begins. */
export function firstBusyLine(trace: string, utilisationPct: number): number {
  const lines = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  // utilization.gpu is the fifth field of the panel's query.
  const i = lines.findIndex((l) => Number(l.split(',')[4]) >= utilisationPct);
  return Math.max(0, i);
}
