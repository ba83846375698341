// How numbers, sizes, dates and durations read in the UI: one place, so every view says them alike.
import { displayPath } from '../shared/byte-path';

const KIB = 1024;
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB"; binary steps, as file managers show them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= KIB && unit < UNITS.length - 1) {
    value /= KIB;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

const counts = new Intl.NumberFormat(undefined);
/** 12345 → "12,345" in the user's locale. */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** Cosine similarity shown with three decimals: neighbouring CLIP scores often differ only there. */
export function formatScore(score: number): string {
  return score.toFixed(3);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(ms: number): string {
  return dateTime.format(ms);
}

export function formatDate(ms: number): string {
  return dateOnly.format(ms);
}

/** Seconds → "45 s", "3 min 20 s", "2 h 05 min": an ETA needs no more precision than that. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "just now", "5 min ago", "3 h ago", then the date: a last-indexed time is read at a glance. */
export function formatAgo(ms: number, now = Date.now()): string {
  const d = now - ms;
  if (d < MINUTE_MS) return 'just now';
  if (d < HOUR_MS) return `${Math.floor(d / MINUTE_MS)} min ago`;
  if (d < DAY_MS) return `${Math.floor(d / HOUR_MS)} h ago`;
  return formatDate(ms);
}

/** The last segment of a POSIX or Windows path, as people see it (each byte of a name that is not
 *  UTF-8 as \\xNN: src/shared/byte-path.ts). */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return displayPath(parts[parts.length - 1] || path);
}

/** "1,234 × 567". */
export function formatDimensions(width: number | null, height: number | null): string | null {
  return width && height ? `${formatCount(width)} × ${formatCount(height)}` : null;
}
