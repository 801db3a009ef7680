import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely } from 'kysely';
import { migrationProvider } from './migrations';

/**
 * How a process treats a store whose schema is older than its code: `migrate` brings it up to
 * date (`switchyard setup`, `switchyard migrate`, `switchyard dev`, tests); `verify` refuses to start
 * (`switchyard api` and `worker`: in production a migration is an operator's step, run once, not a
 * side effect of whichever replica starts first). A schema newer than the code refuses in both.
 */
export type SchemaMode = 'migrate' | 'verify';

export class StoreSchemaError extends Error {
  override name = 'StoreSchemaError';
}

export interface SchemaStatus {
  /** Migrations this code knows and the store has applied, in order. */
  applied: string[];
  /** Migrations this code knows and the store lacks. */
  pending: string[];
  /** Migrations the store has applied that this code does not know: the store is newer than the code. */
  unknown: string[];
}

export async function schemaStatus(db: Kysely<unknown>): Promise<SchemaStatus> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const executed = await executedMigrations(db);
  return {
    applied: known.filter((name) => executed.includes(name)),
    pending: known.filter((name) => !executed.includes(name)),
    unknown: executed.filter((name) => !known.includes(name)).sort(),
  };
}

/** Checks (and in `migrate` mode applies) the schema; throws a StoreSchemaError whose message is the one line an operator needs. */
export async function ensureSchema(db: Kysely<unknown>, mode: SchemaMode): Promise<{ migrated: string[] }> {
  const status = await schemaStatus(db);
  if (status.unknown.length) {
    throw new StoreSchemaError(
      `the store's schema is newer than this release: it has migration ${status.unknown.join(', ')}, which this code does not know (a rollback after \`switchyard migrate\`?) — run the release that applied it, or restore the database backup taken before the migration`,
    );
  }
  if (status.pending.length === 0) return { migrated: [] };
  if (mode === 'verify' && status.applied.length === 0) {
    throw new StoreSchemaError('the store has no schema yet — run `switchyard migrate` (or `switchyard setup`) once, then start the processes');
  }
  if (mode === 'verify') {
    throw new StoreSchemaError(`the store's schema is older than this release: migration ${status.pending.join(', ')} not applied — run \`switchyard migrate\` (or \`switchyard setup\`) once, then start the processes`);
  }
  // Migration numbers are reserved for work landing in parallel, so a store may have a later one
  // applied before an earlier one ships: apply what is missing rather than call the order corrupt.
  const { error, results } = await new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreSchemaError(`store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { migrated: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

async function executedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === DEFAULT_MIGRATION_TABLE)) return [];
  const rows = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  return rows.rows.map((r) => r.name);
}
