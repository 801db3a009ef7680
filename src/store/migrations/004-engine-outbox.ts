import type { Kysely } from 'kysely';

/**
 * Engine events raised outside the API process (a worker marking a connection disconnected) wait
 * in an outbox, written in the same transaction as the change, until an API process publishes
 * them; cursors remember how far a poller (closed runs → run.succeeded / run.failed) has read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('engine_outbox')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('topic', 'varchar(200)', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('engine_outbox_by_created').on('engine_outbox').column('created_at').execute();
  await db.schema
    .createTable('engine_cursors')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'varchar(64)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('engine_cursors').ifExists().execute();
  await db.schema.dropTable('engine_outbox').ifExists().execute();
}
