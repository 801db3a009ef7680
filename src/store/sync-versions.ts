import type { Kysely } from 'kysely';
import { versionEntryOf, versionSourceOf, type RecipeVersionEntry, type VersionSource } from './recipes';
import type { RecipeVersionTable } from './schema';

/** A sync's versions, kept as a recipe's are (recipe_versions holds recipes only). */
type SyncVersionTable = Omit<RecipeVersionTable, 'recipe_id'> & { sync_id: string };

/** The versions table, for the sync store's removal of everything a sync kept. */
export type SyncVersionTables = { sync_versions: SyncVersionTable };

const tables = <DB>(db: Kysely<DB>) => db as unknown as Kysely<SyncVersionTables>;

/** Records a sync's new version, in the transaction that stored it. */
export async function recordSyncVersion<DB>(tx: Kysely<DB>, syncId: string, version: number, entry: { hash: string; source: unknown; plan: unknown; at: string }): Promise<void> {
  await tables(tx)
    .insertInto('sync_versions')
    .values({ sync_id: syncId, version, hash: entry.hash, source_json: JSON.stringify(entry.source), plan_json: JSON.stringify(entry.plan), created_at: entry.at })
    .execute();
}

/** A sync's versions, oldest first. */
export async function syncVersions<DB>(db: Kysely<DB>, syncId: string): Promise<RecipeVersionEntry[]> {
  const rows = await tables(db).selectFrom('sync_versions').select(['version', 'hash', 'created_at', 'plan_json']).where('sync_id', '=', syncId).orderBy('version').execute();
  return rows.map(versionEntryOf);
}

/** One version with the source it was applied from; undefined when there is no such version. */
export async function syncVersion<DB>(db: Kysely<DB>, syncId: string, version: number): Promise<VersionSource | undefined> {
  const row = await tables(db).selectFrom('sync_versions').select(['version', 'hash', 'created_at', 'plan_json', 'source_json']).where('sync_id', '=', syncId).where('version', '=', version).executeTakeFirst();
  return row && versionSourceOf(row);
}
