import type { Kysely } from 'kysely';

/**
 * Each link records the field mapping it was last decided under (issue #16): a hash of the sync's
 * direction and field mappings (workflows/sync-plan.ts `mappingFingerprint`), written with every
 * link saved. A mapping changed while the sync's workflow was not running leaves links under
 * another fingerprint, and the next run re-evaluates exactly those. Existing links get NULL
 * ("unknown"), which the remap walk treats as differing (src/store/syncs.ts `linksToRemap`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_links').addColumn('mapping', 'varchar(64)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_links').dropColumn('mapping').execute();
}
