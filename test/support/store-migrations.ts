import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { migrationProvider } from '../../src/store/migrations';
import { createDatabase } from './postgres-database';

/**
 * Empty stores to migrate step by step, as earlier releases left them: a fresh SQLite file, or a
 * PostgreSQL database of its own (`dropAll` removes those once the tests are done).
 */
export function freshStores(prefix: string) {
  const drops: (() => Promise<void>)[] = [];
  const backends = [
    { name: 'sqlite', fresh: async () => `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), `${prefix}-`)), 'store.db')}` },
    {
      name: 'postgres',
      fresh: async () => {
        const database = await createDatabase(inject('postgresUrl'), prefix.replaceAll('-', '_'));
        drops.push(() => database.drop());
        return database.url;
      },
    },
  ] as const;
  return { backends, dropAll: async () => void (await Promise.all(drops.map((drop) => drop()))) };
}

/** Kysely on a store's URL, with the tables as a test (or an earlier release) knows them. */
export function kyselyAt<DB = unknown>(url: string): Kysely<DB> {
  if (url.startsWith('sqlite:')) return new Kysely<DB>({ dialect: new SqliteDialect({ database: new SQLite(url.slice('sqlite:'.length)) }) });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
}

/** Applies the shipped migrations up to and including `last`, as an earlier release did. */
export async function migrateUpTo(url: string, last: string): Promise<void> {
  const db = kyselyAt(url);
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(last);
    if (error) throw error instanceof Error ? error : new Error(String(error));
  } finally {
    await db.destroy();
  }
}
