import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Plan } from '../../../workflows/plan';
import type { SyncPlan } from '../../../workflows/sync-plan';
import type { ApplyChange } from '../../store/recipes';
import { compileSyncForApply, type SideSchemaSource } from '../../sync/side-schemas';
import type { ActionCatalog } from '../../../connectors/sdk/action-catalog';
import { dryRun, formatDryRun } from '../../recipe/dry-run';
import { recipeJsonSchema, syncJsonSchema } from '../../recipe/json-schema';
import { describeMatch, eventFromFixture } from '../../recipe/fixture-event';
import { expandRecipePaths, loadDefinitions, loadRecipes, reportDiagnostics } from '../../runtime/recipe-files';

/** The slice of the recipe store `apply` needs (src/store/recipes.ts RecipeStore fits it). */
interface RecipeApplyStore {
  apply(source: unknown, plan: Plan): Promise<{ change: 'added'; version: number } | { change: 'changed'; version: number; previous: number } | { change: 'unchanged'; version: number }>;
  list(): Promise<{ id: string; version: number }[]>;
  remove(id: string): Promise<boolean>;
}

/** The slice of the sync store `apply` needs (src/store/syncs.ts SyncStore fits it). */
interface SyncApplyStore {
  apply(source: unknown, plan: SyncPlan): Promise<ApplyChange>;
  list(): Promise<{ id: string; version: number }[]>;
  remove(id: string): Promise<boolean>;
}

/** What `apply` stores into: recipes, and syncs with the live field schemas to check them against. */
export interface ApplyTarget {
  recipes: RecipeApplyStore;
  connections?: Map<string, string>;
  syncs?: SyncApplyStore;
  schemas?: SideSchemaSource;
}

export interface RecipeCommandDeps {
  /** The action catalog (an adapter over connectors/registry). */
  catalog(): ActionCatalog | Promise<ActionCatalog>;
  /** Opens the store for `apply`; `connections` (id → connector) makes unknown connections errors. */
  openStore?(): Promise<ApplyTarget & { close(): Promise<void> }>;
  /** After a successful apply: bring schedules, pollers and sync workflows in step (`removed` = ids pruned). */
  afterApply?(removed: string[]): Promise<void>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** `switchyard recipe check|schema|apply|test`. Sets process.exitCode on failure instead of exiting. */
export function registerRecipeCommands(program: Command, deps: RecipeCommandDeps): Command {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const recipe = program.command('recipe').description('check, apply and dry-run recipes');

  recipe
    .command('check')
    .description('compile recipes and print every problem as file:path: message')
    .argument('<paths...>', 'recipe files or directories')
    .action(async (paths: string[]) => {
      process.exitCode = await checkCommand(paths, await deps.catalog(), out, err);
    });

  recipe
    .command('schema')
    .description('print the recipe JSON Schema (for editor autocompletion)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('--sync', 'the sync definition schema ("kind": "sync") instead')
    .action((opts: { out?: string; sync?: boolean }) => {
      const text = `${JSON.stringify(opts.sync ? syncJsonSchema() : recipeJsonSchema(), null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else out(text.trimEnd());
    });

  recipe
    .command('apply')
    .description('store recipes with version history: + added, ~ changed, = unchanged, - removed')
    .argument('<paths...>', 'recipe files or directories')
    .option('--prune', 'remove stored recipes that are not in the given paths')
    .action(async (paths: string[], opts: { prune?: boolean }) => {
      if (!deps.openStore) throw new Error('recipe apply needs a store');
      const store = await deps.openStore();
      let removed: string[];
      try {
        const ids = async () => [...(await store.recipes.list()), ...(store.syncs ? await store.syncs.list() : [])].map((r) => r.id);
        const before = await ids();
        process.exitCode = await applyCommand(paths, await deps.catalog(), store, { prune: opts.prune === true }, out, err);
        const after = new Set(await ids());
        removed = before.filter((id) => !after.has(id));
      } finally {
        await store.close();
      }
      if (process.exitCode === 0 && deps.afterApply) await deps.afterApply(removed);
    });

  recipe
    .command('test')
    .description('dry-run a recipe against an event fixture: no side effects, sample outputs')
    .argument('<recipe>', 'recipe file')
    .requiredOption('--event <file>', 'the event payload as the sender sends it')
    .option('--topic <topic>', 'event topic (default: the payload\'s "topic", else the trigger\'s event)')
    .option('--outputs <file>', 'step outputs by step id, instead of the actions\' samples')
    .option('--json', 'print the run summary as JSON')
    .action(async (file: string, opts: { event: string; topic?: string; outputs?: string; json?: boolean }) => {
      process.exitCode = await testCommand(file, opts, await deps.catalog(), out, err);
    });
  return recipe;
}

export async function checkCommand(paths: string[], catalog: ActionCatalog, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  const loaded = loadDefinitions(expandRecipePaths(paths), catalog);
  const { lines, errors, warnings } = reportDiagnostics(loaded);
  for (const line of lines) err(line);
  const recipes = loaded.filter((l) => l.kind === 'recipe').length;
  const syncs = loaded.length - recipes;
  const what = `${recipes} recipe${recipes === 1 ? '' : 's'}${syncs > 0 ? ` and ${syncs} sync${syncs === 1 ? '' : 's'}` : ''}`;
  out(`${what} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return errors > 0 ? 1 : 0;
}

export async function applyCommand(
  paths: string[],
  catalog: ActionCatalog,
  store: ApplyTarget,
  opts: { prune: boolean },
  out: (l: string) => void,
  err: (l: string) => void,
): Promise<number> {
  const loaded = loadDefinitions(expandRecipePaths(paths), catalog, store.connections);
  // Syncs are checked against both sides' live field schemas before anything is stored.
  for (const l of loaded) {
    if (l.kind !== 'sync' || !l.result.ok) continue;
    if (!store.syncs) l.result = { ok: false, diagnostics: [{ path: 'kind', message: 'this store keeps no syncs', severity: 'error' }] };
    else l.result = await compileSyncForApply(l.source, store.connections ?? new Map<string, string>(), store.schemas);
  }
  const { lines, errors } = reportDiagnostics(loaded);
  for (const line of lines) err(line);
  if (errors > 0) {
    err(`nothing applied: ${errors} error${errors === 1 ? '' : 's'}`);
    return 1;
  }
  const ids = new Map<string, 'recipe' | 'sync'>();
  for (const l of loaded) {
    if (!l.result.ok) continue;
    const id = l.kind === 'sync' ? l.result.plan.syncId : l.result.plan.recipeId;
    if (ids.has(id)) {
      err(`id ${id} appears in more than one file; nothing more applied`);
      return 1;
    }
    ids.set(id, l.kind);
  }
  const storedRecipes = new Set((await store.recipes.list()).map((r) => r.id));
  const storedSyncs = new Set(store.syncs ? (await store.syncs.list()).map((s) => s.id) : []);
  for (const [id, kind] of ids) {
    if (kind === 'sync' ? storedRecipes.has(id) : storedSyncs.has(id)) {
      err(`${kind} ${id}: a ${kind === 'sync' ? 'recipe' : 'sync'} with this id is stored; ids are unique among recipes and syncs. Nothing applied`);
      return 1;
    }
  }
  for (const l of loaded) {
    if (!l.result.ok) continue;
    const [id, change] = l.kind === 'sync' ? [l.result.plan.syncId, await store.syncs!.apply(l.source, l.result.plan)] : [l.result.plan.recipeId, await store.recipes.apply(l.source, l.result.plan)];
    const what = l.kind === 'sync' ? `sync ${id}` : id;
    if (change.change === 'added') out(`+ ${what} added (v${change.version})`);
    else if (change.change === 'changed') out(`~ ${what} changed (v${change.previous} → v${change.version})`);
    else out(`= ${what} unchanged (v${change.version})`);
  }
  if (opts.prune) {
    for (const stored of await store.recipes.list()) {
      if (ids.has(stored.id)) continue;
      await store.recipes.remove(stored.id);
      out(`- ${stored.id} removed`);
    }
    for (const stored of store.syncs ? await store.syncs.list() : []) {
      if (ids.has(stored.id)) continue;
      await store.syncs!.remove(stored.id);
      out(`- sync ${stored.id} removed`);
    }
  }
  return 0;
}

export async function testCommand(
  file: string,
  opts: { event: string; topic?: string; outputs?: string; json?: boolean },
  catalog: ActionCatalog,
  out: (l: string) => void,
  err: (l: string) => void,
): Promise<number> {
  const [loaded] = loadRecipes([file], catalog);
  if (!loaded || !loaded.result.ok) {
    for (const line of reportDiagnostics(loaded ? [loaded] : []).lines) err(line);
    return 1;
  }
  const { plan } = loaded.result;
  const payload: unknown = JSON.parse(readFileSync(opts.event, 'utf8'));
  const outputs = opts.outputs ? (JSON.parse(readFileSync(opts.outputs, 'utf8')) as Record<string, unknown>) : undefined;
  const event = eventFromFixture(plan, payload, opts.topic);
  const result = await dryRun(plan, event, { catalog, outputs });
  if (opts.json) out(JSON.stringify(result.summary, null, 2));
  else {
    out(`trigger: ${describeMatch(plan, event)}`);
    for (const line of formatDryRun(plan, result)) out(line);
  }
  return result.summary.status === 'failed' ? 1 : 0;
}
