// How --json output carries a path whose name is not valid UTF-8: `path` is the stored form (each such
// byte as U+0000 then the byte's value as U+0080–U+00FF: src/shared/byte-path.ts), and `pathBytes`, only
// on those entries, is the exact bytes in base64, which a script can open without knowing the escape.
import { bytesOfStored, hasEscapedBytes } from '../shared/byte-path';

/** `entry` as it is, or with `pathBytes` beside a path that has escaped bytes. */
export function withPathBytes<T extends { path: string }>(entry: T): T & { pathBytes?: string } {
  if (!hasEscapedBytes(entry.path)) return entry;
  return { ...entry, pathBytes: Buffer.from(bytesOfStored(entry.path)).toString('base64') };
}
