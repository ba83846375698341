// The CLI's progress bar on a terminal: drawn on stderr from the first figures it is given, so a command
// that ends before any progress leaves no empty bar behind.
import { SingleBar } from 'cli-progress';

/** Time left as a progress line shows it (45s, 3m07s, 2h05m); `--` when not known yet. */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface TerminalBar {
  /** Draws `value` of `total` (a total of 0 counts as 1) with the format's other fields. */
  show(value: number, total: number, fields: Record<string, string>): void;
  /** True once the bar has been drawn: text written now needs a line of its own. */
  readonly started: boolean;
  stop(): void;
}

/** `format`: cli-progress's template ({bar}, {value}, {total}, {percentage} and the fields). */
export function terminalBar(format: string, stream: NodeJS.WritableStream = process.stderr): TerminalBar {
  const bar = new SingleBar({ format, barsize: 24, hideCursor: true, stream });
  let started = false;
  return {
    show(value, total, fields) {
      if (!started) {
        bar.start(Math.max(total, 1), value, fields);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(value, fields);
    },
    get started() {
      return started;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
