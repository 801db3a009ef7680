import type { Kysely } from 'kysely';
import type { Database, RecipeTable, RecipeVersionTable } from './schema';

/** What the store needs to know of a compiled plan; the full type lives in workflows/plan.ts. */
export interface PlanHeader {
  recipeId: string;
  name: string;
  enabled: boolean;
  /** Content hash of the plan. */
  version: string;
}

export type ApplyChange = { change: 'added'; version: number } | { change: 'changed'; version: number; previous: number } | { change: 'unchanged'; version: number };

export interface RecipeVersionEntry {
  version: number;
  hash: string;
  name: string;
  createdAt: string;
}

/** A version with the source it was applied from. */
export type VersionSource = RecipeVersionEntry & { source: unknown };

/** A row of a versions table (recipe_versions, sync_versions) as its entry: the name is the plan's. */
export function versionEntryOf(row: Pick<RecipeVersionTable, 'version' | 'hash' | 'created_at' | 'plan_json'>): RecipeVersionEntry {
  return { version: row.version, hash: row.hash, name: (JSON.parse(row.plan_json) as { name: string }).name, createdAt: row.created_at };
}

export function versionSourceOf(row: Pick<RecipeVersionTable, 'version' | 'hash' | 'created_at' | 'plan_json' | 'source_json'>): VersionSource {
  return { ...versionEntryOf(row), source: JSON.parse(row.source_json) };
}

export interface StoredRecipe<P extends PlanHeader = PlanHeader> {
  id: string;
  name: string;
  enabled: boolean;
  version: number;
  hash: string;
  source: unknown;
  plan: P;
  createdAt: string;
  updatedAt: string;
}

/** Recipes with their full version history: every applied change is a new numbered version. */
export class RecipeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async apply<P extends PlanHeader>(source: unknown, plan: P, now = new Date()): Promise<ApplyChange> {
    const at = now.toISOString();
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('recipes').selectAll().where('id', '=', plan.recipeId).executeTakeFirst();
      const enabled = plan.enabled ? 1 : 0;
      if (!existing) {
        await tx.insertInto('recipes').values({ id: plan.recipeId, name: plan.name, enabled, current_version: 1, created_at: at, updated_at: at }).execute();
        await this.insertVersion(tx, plan, source, 1, at);
        return { change: 'added', version: 1 };
      }
      const current = await tx
        .selectFrom('recipe_versions')
        .select('hash')
        .where('recipe_id', '=', plan.recipeId)
        .where('version', '=', existing.current_version)
        .executeTakeFirstOrThrow();
      if (current.hash === plan.version && existing.enabled === enabled) return { change: 'unchanged', version: existing.current_version };
      const version = existing.current_version + 1;
      await this.insertVersion(tx, plan, source, version, at);
      await tx.updateTable('recipes').set({ name: plan.name, enabled, current_version: version, updated_at: at }).where('id', '=', plan.recipeId).execute();
      return { change: 'changed', version, previous: existing.current_version };
    });
  }

  async get<P extends PlanHeader = PlanHeader>(id: string): Promise<StoredRecipe<P> | undefined> {
    const rows = await this.currentRows().where('recipes.id', '=', id).execute();
    return rows[0] && toRecipe<P>(rows[0]);
  }

  async list<P extends PlanHeader = PlanHeader>(): Promise<StoredRecipe<P>[]> {
    const rows = await this.currentRows().orderBy('recipes.id').execute();
    return rows.map((r) => toRecipe<P>(r));
  }

  async listEnabled<P extends PlanHeader = PlanHeader>(): Promise<StoredRecipe<P>[]> {
    const rows = await this.currentRows().where('recipes.enabled', '=', 1).orderBy('recipes.id').execute();
    return rows.map((r) => toRecipe<P>(r));
  }

  async versions(id: string): Promise<RecipeVersionEntry[]> {
    const rows = await this.db.selectFrom('recipe_versions').select(['version', 'hash', 'created_at', 'plan_json']).where('recipe_id', '=', id).orderBy('version').execute();
    return rows.map(versionEntryOf);
  }

  /** One version's entry with the source it was applied from; undefined when there is no such version. */
  async version(id: string, version: number): Promise<VersionSource | undefined> {
    const row = await this.db.selectFrom('recipe_versions').select(['version', 'hash', 'created_at', 'plan_json', 'source_json']).where('recipe_id', '=', id).where('version', '=', version).executeTakeFirst();
    return row && versionSourceOf(row);
  }

  /**
   * Turns a recipe on or off without a new version: the current plan is read back with this
   * `enabled`, so matching, schedules and pollers follow it. Undefined when there is no such recipe.
   */
  async setEnabled<P extends PlanHeader = PlanHeader>(id: string, enabled: boolean, now = new Date()): Promise<StoredRecipe<P> | undefined> {
    const result = await this.db
      .updateTable('recipes')
      .set({ enabled: enabled ? 1 : 0, updated_at: now.toISOString() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.get<P>(id);
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('recipe_versions').where('recipe_id', '=', id).execute();
      return tx.deleteFrom('recipes').where('id', '=', id).executeTakeFirst();
    });
    return Number(result.numDeletedRows) > 0;
  }

  private insertVersion(tx: Kysely<Database>, plan: PlanHeader, source: unknown, version: number, at: string) {
    return tx
      .insertInto('recipe_versions')
      .values({ recipe_id: plan.recipeId, version, hash: plan.version, source_json: JSON.stringify(source), plan_json: JSON.stringify(plan), created_at: at })
      .execute();
  }

  private currentRows() {
    return this.db
      .selectFrom('recipes')
      .innerJoin('recipe_versions', (j) => j.onRef('recipe_versions.recipe_id', '=', 'recipes.id').onRef('recipe_versions.version', '=', 'recipes.current_version'))
      .select([
        'recipes.id',
        'recipes.name',
        'recipes.enabled',
        'recipes.current_version',
        'recipes.created_at',
        'recipes.updated_at',
        'recipe_versions.hash',
        'recipe_versions.source_json',
        'recipe_versions.plan_json',
      ]);
  }
}

/** A recipe row joined with its current version's row. */
function toRecipe<P extends PlanHeader>(row: RecipeTable & Pick<RecipeVersionTable, 'hash' | 'source_json' | 'plan_json'>): StoredRecipe<P> {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    version: row.current_version,
    hash: row.hash,
    source: JSON.parse(row.source_json),
    // The column wins: enable/disable changes it without writing a new version.
    plan: { ...(JSON.parse(row.plan_json) as P), enabled: row.enabled === 1 },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
