// The paths the user chose through the window itself (dropped on it): main accepts a path from the
// renderer only when it is one of these, for the kind it was granted as, and only for a while.
type GrantKind = 'folder' | 'file';

interface GrantOptions {
  /** How long a grant lasts after it is given or last used. */
  ttlMs?: number;
  /** The most grants kept; the least recently used goes first. */
  max?: number;
  now?: () => number;
}

/** Half an hour: long enough to page through a search by a dropped image, short enough to lapse. */
const TTL_MS = 30 * 60_000;
const MAX_GRANTS = 64;

export class PathGrants {
  private readonly grants = new Map<string, { kind: GrantKind; expires: number }>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(opts: GrantOptions = {}) {
    this.ttlMs = opts.ttlMs ?? TTL_MS;
    this.max = opts.max ?? MAX_GRANTS;
    this.now = opts.now ?? Date.now;
  }

  grant(path: string, kind: GrantKind): void {
    this.grants.delete(path); // re-inserted last: the Map's order is least recently used first
    this.grants.set(path, { kind, expires: this.now() + this.ttlMs });
    for (const oldest of this.grants.keys()) {
      if (this.grants.size <= this.max) break;
      this.grants.delete(oldest);
    }
  }

  /** True when exactly `path` was granted as `kind` and has not lapsed; using it extends it. */
  allows(path: unknown, kind: GrantKind): boolean {
    if (typeof path !== 'string') return false;
    const grant = this.grants.get(path);
    if (!grant || grant.kind !== kind) return false;
    if (grant.expires <= this.now()) {
      this.grants.delete(path);
      return false;
    }
    this.grant(path, kind);
    return true;
  }
}

/** Throws a FORBIDDEN error naming the command unless `path` is granted as `kind`. */
export function requireGrant(grants: PathGrants, command: string, path: string, kind: GrantKind): void {
  if (!grants.allows(path, kind))
    throw Object.assign(new Error(`${command}: ${path} is not a ${kind} the user chose or dropped`), {
      code: 'FORBIDDEN',
    });
}
