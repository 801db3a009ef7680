import type { Kysely } from 'kysely';

/**
 * OAuth Connect (issue #17): authorizations waiting for the person's consent. The state is stored
 * only as its SHA-256 (it is the callback's authority), the PKCE code verifier sealed with the key
 * ring (bound to the state hash); a row is used once and expires after ten minutes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_authorizations')
    .addColumn('state_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('verifier_ciphertext', 'text', (c) => c.notNull())
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('connector', 'varchar(128)', (c) => c.notNull())
    .addColumn('connection_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('label', 'varchar(255)')
    .addColumn('base_url', 'text')
    .addColumn('scopes_json', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('token_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(40)')
    .execute();
  await db.schema.createIndex('oauth_authorizations_by_expiry').on('oauth_authorizations').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth_authorizations').ifExists().execute();
}
