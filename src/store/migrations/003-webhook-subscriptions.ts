import type { Kysely } from 'kysely';

/**
 * Outgoing webhooks: subscriptions (secret sealed at rest, previous secret kept during a
 * rotation window), published messages, one delivery row per (subscription, message) and
 * the attempt log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('topics_json', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('secret_key_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('previous_secret_ciphertext', 'text')
    .addColumn('previous_secret_key_id', 'varchar(32)')
    .addColumn('previous_secret_expires_at', 'varchar(40)')
    // Start of the current run of consecutive failed attempts; null after any success.
    .addColumn('failing_since', 'varchar(40)')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_messages')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('topic', 'varchar(200)', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('subscription_id', 'varchar(64)', (c) => c.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
    .addColumn('message_id', 'varchar(64)', (c) => c.notNull().references('webhook_messages.id').onDelete('cascade'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_sent_at', 'varchar(40)')
    .addColumn('last_attempt_at', 'varchar(40)')
    .addColumn('next_attempt_at', 'varchar(40)')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('message_created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['subscription_id', 'message_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_by_status')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'status', 'message_created_at'])
    .execute();
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('subscription_id', 'varchar(64)', (c) => c.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
    .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(24)', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response_snippet', 'text')
    .addColumn('error', 'text')
    .addColumn('next_attempt_at', 'varchar(40)')
    .execute();
  await db.schema
    .createIndex('webhook_attempts_by_message')
    .on('webhook_attempts')
    .columns(['subscription_id', 'message_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_messages', 'webhook_subscriptions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
