import type { Kysely } from 'kysely';

/**
 * CRM sync (issue #16): sync definitions (with a version counter, like recipes), the links between
 * the two sides' records with the hash of what was last written or seen on each side and the values
 * at the last sync (the base for conflicts and echo suppression), each record's history
 * (writes, conflicts, duplicates, errors) and the change-feed cursor of each side.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('syncs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_json', 'text', (c) => c.notNull())
    .addColumn('plan_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sync_links')
    .addColumn('sync_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('left_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('right_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('left_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('right_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('state_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_links_pk', ['sync_id', 'left_id'])
    .addUniqueConstraint('sync_links_right', ['sync_id', 'right_id'])
    .execute();
  await db.schema
    .createTable('sync_record_events')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('sync_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('side', 'varchar(8)', (c) => c.notNull())
    .addColumn('record_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('other_id', 'varchar(255)')
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addColumn('at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_record_events_by_kind').on('sync_record_events').columns(['sync_id', 'kind', 'at']).execute();
  await db.schema.createIndex('sync_record_events_by_record').on('sync_record_events').columns(['sync_id', 'record_id']).execute();
  await db.schema
    .createTable('sync_cursors')
    .addColumn('sync_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('side', 'varchar(8)', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_cursors_pk', ['sync_id', 'side'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sync_cursors', 'sync_record_events', 'sync_links', 'syncs']) await db.schema.dropTable(table).ifExists().execute();
}
