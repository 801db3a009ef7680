import type { Kysely } from 'kysely';

/**
 * Outgoing webhook payloads sealed at rest like credentials. Rows written before this keep their
 * plaintext in `payload_json` (key id null) until `switchyard keys rotate` seals them; sealed rows
 * leave `payload_json` empty.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_messages').addColumn('payload_ciphertext', 'text').execute();
  await db.schema.alterTable('webhook_messages').addColumn('payload_key_id', 'varchar(32)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_messages').dropColumn('payload_key_id').execute();
  await db.schema.alterTable('webhook_messages').dropColumn('payload_ciphertext').execute();
}
