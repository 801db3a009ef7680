import type { Kysely } from 'kysely';

/**
 * The side-effect ledger: one row per step key (run id + step key, hashed), written before an
 * action calls its vendor and confirmed with the sealed output after (src/store/effect-ledger.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('effect_ledger')
    .addColumn('id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('action', 'varchar(200)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('output_ciphertext', 'text')
    .addColumn('output_key_id', 'varchar(32)')
    .execute();
  await db.schema.createIndex('effect_ledger_by_updated').on('effect_ledger').column('updated_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('effect_ledger').ifExists().execute();
}
