import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recipes')
    .addColumn('id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('recipe_versions')
    .addColumn('recipe_id', 'varchar(128)', (c) => c.notNull().references('recipes.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('hash', 'varchar(80)', (c) => c.notNull())
    .addColumn('source_json', 'text', (c) => c.notNull())
    .addColumn('plan_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('recipe_versions_pk', ['recipe_id', 'version'])
    .execute();
  await db.schema
    .createTable('connections')
    .addColumn('id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('connector', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('credentials_ciphertext', 'text', (c) => c.notNull())
    .addColumn('key_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('base_url', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('status_changed_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('inbound_deliveries')
    .addColumn('connection_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('event_hash', 'varchar(80)', (c) => c.notNull())
    .addColumn('received_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbound_deliveries_pk', ['connection_id', 'event_hash'])
    .execute();
  await db.schema.createIndex('inbound_deliveries_received_at').on('inbound_deliveries').column('received_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['inbound_deliveries', 'connections', 'recipe_versions', 'recipes']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
