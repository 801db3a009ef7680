import type { Kysely } from 'kysely';

/**
 * Syncs keep their versions as recipes do (issue #17): one row per version with the source it was
 * applied from and its plan. Each existing sync's current version is copied in, so its history
 * starts complete; the time it was applied is not kept, so its last update stands in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_versions')
    .addColumn('sync_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_json', 'text', (c) => c.notNull())
    .addColumn('plan_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_versions_pk', ['sync_id', 'version'])
    .execute();
  const tables = db as Kysely<{ syncs: SyncRow; sync_versions: SyncVersionRow }>;
  await tables
    .insertInto('sync_versions')
    .columns(['sync_id', 'version', 'hash', 'source_json', 'plan_json', 'created_at'])
    .expression(tables.selectFrom('syncs').select(['id', 'version', 'hash', 'source_json', 'plan_json', 'updated_at']))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_versions').ifExists().execute();
}

/** The tables as this migration knows them (the store's types may move on). */
interface SyncRow {
  id: string;
  version: number;
  hash: string;
  source_json: string;
  plan_json: string;
  updated_at: string;
}

interface SyncVersionRow {
  sync_id: string;
  version: number;
  hash: string;
  source_json: string;
  plan_json: string;
  created_at: string;
}
