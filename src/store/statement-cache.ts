import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept compiled; queries are built from a few hundred shapes, so this holds them all. */
const defaultCapacity = 500;

/**
 * Kysely's SQLite driver calls `prepare` for every query, and better-sqlite3 compiles the SQL each
 * time: on the webhook ack path that compilation was a seventh of the API's CPU. This keeps the
 * compiled statements by SQL text (least recently used out first). A statement still being read by
 * an iterator (`busy`) is not shared: that caller gets a fresh one.
 */
export function withStatementCache(database: SQLite.Database, capacity = defaultCapacity): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        statements.set(sql, statement);
        if (statements.size > capacity) statements.delete(statements.keys().next().value as string);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
