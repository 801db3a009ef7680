import type { Kysely } from 'kysely';

/**
 * CRM sync, conversations to the CRM (issue #16): the ledger of transcripts written, one row per
 * sync + Intercom conversation + the conversation's last part written (a conversation reopened and
 * closed again gets a second row for its new parts). `state`: `unmatched` (no counterpart yet:
 * reported and tried again), `begun` (the write is being made), `written` (with the CRM record id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_conversations')
    .addColumn('sync_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('last_part_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('contact_id', 'varchar(255)')
    .addColumn('target_id', 'varchar(255)')
    .addColumn('record_id', 'varchar(255)')
    .addColumn('parts', 'integer', (c) => c.notNull())
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_conversations_pk', ['sync_id', 'conversation_id', 'last_part_id'])
    .execute();
  await db.schema.createIndex('sync_conversations_by_state').on('sync_conversations').columns(['sync_id', 'state', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_conversations').ifExists().execute();
}
