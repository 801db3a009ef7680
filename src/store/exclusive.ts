import { sql, type Kysely } from 'kysely';
import type { Database, Dialect } from './schema';

/**
 * Runs `fn` only if no other process runs the same `name` now; returns whether it ran. On
 * PostgreSQL a session advisory lock on one pooled connection: a process killed mid-run drops its
 * connection and so the lock. SQLite serves one process, so `fn` always runs.
 */
export async function runExclusively(db: Kysely<Database>, dialect: Dialect, name: string, fn: () => Promise<void>): Promise<boolean> {
  if (dialect === 'sqlite') {
    await fn();
    return true;
  }
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${name})) as locked`.execute(conn);
    if (!rows[0]?.locked) return false;
    try {
      await fn();
      return true;
    } finally {
      // A terminated connection has already released the lock; the pool drops it.
      await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(conn).catch(() => undefined);
    }
  });
}
