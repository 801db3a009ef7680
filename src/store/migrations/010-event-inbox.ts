import type { Kysely } from 'kysely';

/**
 * The durable inbox (DESIGN §1): an accepted inbound event waits here, sealed, from its
 * acknowledgement until Temporal has its runs. Written in one transaction with its dedupe row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_inbox')
    .addColumn('id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('source', 'varchar(200)', (c) => c.notNull())
    .addColumn('event_hash', 'varchar(80)', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('key_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('received_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_inbox_by_received').on('event_inbox').column('received_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_inbox').ifExists().execute();
}
