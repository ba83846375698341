// Prepared statements made on first use and kept: the named queries run the same SQL many times (a
// page of vectors, a check per thumbnail), and a query nobody asks for costs nothing.
import type Database from 'better-sqlite3';

export class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  /** The statement for `sql`, prepared once. */
  get(sql: string): Database.Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
  }

  /** The statement for `sql` returning its first column only, prepared once. */
  pluck(sql: string): Database.Statement {
    const key = `pluck:${sql}`;
    let st = this.cache.get(key);
    if (!st) {
      st = this.db.prepare(sql).pluck();
      this.cache.set(key, st);
    }
    return st;
  }
}
