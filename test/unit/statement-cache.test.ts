import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/statement-cache';

describe('withStatementCache (the SQLite store compiles each SQL text once)', () => {
  let raw: SQLite.Database;
  afterEach(() => {
    if (raw.open) raw.close();
  });

  function database(capacity?: number) {
    raw = new SQLite(':memory:');
    raw.exec('create table t (a integer)');
    raw.exec('insert into t values (1), (2), (3)');
    return withStatementCache(raw, capacity);
  }

  it('returns the same compiled statement for the same SQL, and its results stay right', () => {
    const db = database();
    const first = db.prepare('select a from t where a > ?');
    expect(db.prepare('select a from t where a > ?')).toBe(first);
    expect(first.all([1])).toEqual([{ a: 2 }, { a: 3 }]);
    expect(db.prepare('select a from t where a > ?').all([2])).toEqual([{ a: 3 }]);
  });

  it('gives a fresh statement while the cached one is still being iterated', () => {
    const db = database();
    const reading = db.prepare('select a from t');
    const iterator = reading.iterate([]);
    iterator.next();
    const other = db.prepare('select a from t');
    expect(other).not.toBe(reading);
    expect(other.all([])).toHaveLength(3);
    iterator.return?.();
    expect(db.prepare('select a from t')).toBe(reading);
  });

  it('keeps at most `capacity` statements, dropping the least recently used', () => {
    const db = database(2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    db.prepare('select 1');
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
  });

  it('a cached statement still runs after the schema changes under it', () => {
    const db = database();
    const insert = db.prepare('insert into t (a) values (?)');
    raw.exec('alter table t add column b text');
    expect(db.prepare('insert into t (a) values (?)')).toBe(insert);
    expect(insert.run([4]).changes).toBe(1);
    expect(db.prepare('select count(*) as n from t').all([])).toEqual([{ n: 4 }]);
  });

  it('close() closes the database', () => {
    const db = database();
    db.prepare('select 1');
    db.close();
    expect(raw.open).toBe(false);
  });
});
