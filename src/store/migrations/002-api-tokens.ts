import type { Kysely } from 'kysely';

/** API tokens: only a SHA-256 hash and a display prefix are stored, never the token. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'varchar(32)', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull().unique())
    // After a rotation the previous secret stays valid until previous_valid_until.
    .addColumn('previous_hash', 'varchar(64)')
    .addColumn('previous_valid_until', 'varchar(40)')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)')
    .addColumn('revoked_at', 'varchar(40)')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('rotated_at', 'varchar(40)')
    .execute();
  await db.schema.createIndex('api_tokens_previous_hash').on('api_tokens').column('previous_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_tokens').ifExists().execute();
}
