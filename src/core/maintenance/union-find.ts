// Disjoint sets over 0..n-1 (union by size, path halving): near-duplicate links join photos into
// groups in near-constant time per link, in two typed arrays (8 bytes a photo at a million photos).

export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(readonly n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }

  /** Joins the sets of a and b; false when they were one already. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return true;
  }

  /** Members in the set of i. */
  sizeOf(i: number): number {
    return this.size[this.find(i)]!;
  }

  /** Members of every set with at least `min` members, each set in ascending order. */
  sets(min = 2): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < this.n; i++) {
      const r = this.find(i);
      if (this.size[r]! < min) continue;
      let members = byRoot.get(r);
      if (!members) byRoot.set(r, (members = []));
      members.push(i);
    }
    return [...byRoot.values()];
  }
}
