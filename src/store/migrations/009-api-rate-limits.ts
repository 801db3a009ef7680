import type { Kysely } from 'kysely';

/**
 * The per-token API rate limit's counters, shared by every API process on PostgreSQL
 * (rate-limiter-flexible's RateLimiterPostgres layout: key, points, expire in epoch ms).
 * SQLite serves one process, whose limiter keeps its counters in memory; the table stays empty there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_rate_limits').ifExists().execute();
}
