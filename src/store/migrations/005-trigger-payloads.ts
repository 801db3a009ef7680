import type { Kysely } from 'kysely';

/**
 * Inbound payloads too large for workflow history, stored by reference (sealed at rest) and
 * loaded by the `switchyard.loadTriggerPayload` activity; pruned with the delivery dedupe.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trigger_payloads')
    .addColumn('id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('source', 'varchar(200)', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('key_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trigger_payloads_by_created').on('trigger_payloads').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('trigger_payloads').ifExists().execute();
}
