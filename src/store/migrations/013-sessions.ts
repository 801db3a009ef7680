import type { Kysely } from 'kysely';

/**
 * Console sessions (issue #17): signing in with an API token gives a session cookie. Only the
 * SHA-256 of the cookie's secret is stored, with the token it stands for (whose scopes, expiry and
 * revocation the session follows) and its own expiry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('token_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_expires').on('console_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('console_sessions').ifExists().execute();
}
