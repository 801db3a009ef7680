import type { Kysely } from 'kysely';

/**
 * Credentials carry a version, bumped on every write, and a refresh lease: an OAuth2 refresh is
 * a compare-and-swap on the version, taken by one process at a time (src/store/shared-refresh.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('connections')
    .addColumn('credentials_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('connections').addColumn('refresh_lease_until', 'varchar(32)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('refresh_lease_until').execute();
  await db.schema.alterTable('connections').dropColumn('credentials_version').execute();
}
