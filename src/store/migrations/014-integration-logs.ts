import type { Kysely } from 'kysely';

/**
 * Integration logs (#17). `inbound_log`: every delivery to /hooks/… with its outcome, the runs it
 * started and its body sealed at rest (null for deliveries refused before the body was read or
 * for connections that do not exist); kept SWITCHYARD_INBOUND_LOG_RETENTION. And the connection an
 * outgoing webhook message is about (a connection.* event, a forwarded inbound event), so the
 * outgoing log has per-connection views without opening sealed payloads. And the inbox by event
 * hash, for a run still queued there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbound_log')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('received_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('connection_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('topic', 'varchar(1000)')
    .addColumn('outcome', 'varchar(20)', (c) => c.notNull())
    .addColumn('reason', 'varchar(60)')
    .addColumn('detail', 'text')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('runs_json', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('payload_ciphertext', 'text')
    .addColumn('payload_key_id', 'varchar(32)')
    .execute();
  await db.schema.createIndex('inbound_log_by_received').on('inbound_log').columns(['received_at', 'id']).execute();
  await db.schema.createIndex('inbound_log_by_connection').on('inbound_log').columns(['connection_id', 'received_at']).execute();
  await db.schema.alterTable('webhook_messages').addColumn('connection_id', 'varchar(200)').execute();
  await db.schema.createIndex('webhook_messages_by_connection').on('webhook_messages').columns(['connection_id', 'created_at']).execute();
  // GET /api/v1/runs/:id finds a run still queued in the inbox by its event hash.
  await db.schema.createIndex('event_inbox_by_hash').on('event_inbox').column('event_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('event_inbox_by_hash').ifExists().execute();
  await db.schema.dropIndex('webhook_messages_by_connection').ifExists().execute();
  await db.schema.alterTable('webhook_messages').dropColumn('connection_id').execute();
  await db.schema.dropTable('inbound_log').ifExists().execute();
}
