import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { catalogOf } from '../../../connectors/registry';
import type { ConnectorRegistry } from '../../../connectors/sdk/registry';
import type { Plan, RunSummary } from '../../../workflows/plan';
import type { TraceEntry } from '../../../workflows/interpreter';
import { describeMatch, eventFromFixture } from '../../recipe/fixture-event';
import type { PlanCache } from '../../engine/plan-cache';
import type { ActionCatalog } from '../../../connectors/sdk/action-catalog';
import { compileRecipe, type Diagnostic } from '../../recipe/compile';
import { dryRun } from '../../recipe/dry-run';
import { compileSync, isSyncDefinition, knownSyncs } from '../../recipe/sync-compile';
import { compileSyncForApply, connectionSchemas, type SideSchemaSource } from '../../sync/side-schemas';
import type { StoredSync, SyncStore } from '../../store/syncs';
import { applySync } from '../../sync/control';
import type { SyncPlan } from '../../../workflows/sync-plan';
import { topicMatches } from '../../recipe/topic-glob';
import { applyRecipeTrigger } from '../../engine/recipe-triggers';
import type { RunStartSettings } from '../../engine/start-runs';
import type { RecipeStore, RecipeVersionEntry, StoredRecipe } from '../../store/recipes';
import type { Store } from '../../store/store';
import { HttpError } from '../errors';
import { deleteSync } from './syncs-routes';
import { defineRoute, type ApiRoute } from './route';

/** What the versions routes read of the recipe store or the sync store. */
type VersionHistory = Pick<RecipeStore, 'versions' | 'version'>;

interface RecipeRoutesDeps {
  recipes: RecipeStore;
  catalog: ActionCatalog;
  /** Known connections (id → connector): the compiler rejects unknown or mismatched ones. */
  connections(): Promise<Map<string, string>>;
  /** Matching reads enabled plans through it; every change invalidates it. */
  plans: PlanCache;
  /** Sync definitions (`"kind": "sync"` bodies), checked against both sides' live field schemas. */
  syncs?: { store: SyncStore; schemas: SideSchemaSource; delete(id: string): Promise<boolean>; workflow(id: string, sync: StoredSync<SyncPlan> | undefined): Promise<unknown> };
  /** Brings the recipe's schedule/poller in step with its plan (undefined = deleted), as `recipe apply` does. */
  syncTrigger(recipeId: string, plan: Plan | undefined): Promise<unknown>;
  now?: () => Date;
}

/** The recipe routes as a process mounts them: the store, the registry's catalog, Temporal for triggers. */
export function recipeRoutesFor(opts: { store: Store; client: Client; plans: PlanCache; taskQueue: string; registry: ConnectorRegistry; runSettings: RunStartSettings; egressAllow: readonly string[] }): ApiRoute[] {
  return recipeRoutes({
    recipes: opts.store.recipes,
    syncs: {
      store: opts.store.syncs,
      schemas: connectionSchemas(opts.registry, { egressAllow: opts.egressAllow, connections: opts.store.connections }),
      delete: (id) => deleteSync(opts.store.syncs, opts.client, id),
      workflow: (id, sync) => applySync(opts.client, opts.taskQueue, id, sync),
    },
    catalog: catalogOf(opts.registry),
    connections: async () => new Map((await opts.store.connections.list()).map((c) => [c.id, c.connector])),
    plans: opts.plans,
    syncTrigger: (id, plan) => applyRecipeTrigger(opts.client, opts.taskQueue, id, plan, opts.runSettings),
  });
}

const recipeBody = z.record(z.string(), z.unknown()).describe('a recipe as JSON (`switchyard recipe schema` prints its JSON Schema); compiled on arrival');

const dryRunBody = z.strictObject({
  event: z.unknown().refine((v) => v !== undefined, { message: 'required: the event payload exactly as the sender sends it' }),
  topic: z.string().min(1).optional().describe('the event topic (default: the payload’s "topic", else the trigger’s event)'),
  outputs: z.record(z.string(), z.unknown()).optional().describe('step outputs by step id, instead of the actions’ sample outputs'),
  waits: z.record(z.string(), z.unknown()).optional().describe('waitFor answers by step id (default: approved)'),
});

const diagnosticSchema = z.object({ path: z.string(), message: z.string(), suggestion: z.string().optional(), severity: z.enum(['error', 'warning']) });

const recipeSummary = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  version: z.number().describe('the current version number (1, 2, …)'),
  hash: z.string().describe('content hash of the current version; runs carry it as RecipeVersion'),
  trigger: z.record(z.string(), z.unknown()),
  connections: z.array(z.string()).describe('the connections its trigger and steps use'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const recipeDetail = recipeSummary.extend({ source: z.unknown().describe('the recipe JSON as stored') });
/** A sync (`"kind": "sync"`) as the editor reads it: what PUT stores; GET /api/v1/syncs/:id has its status. */
const syncSource = z.object({
  id: z.string(),
  kind: z.literal('sync'),
  name: z.string(),
  enabled: z.boolean(),
  paused: z.boolean(),
  version: z.number(),
  hash: z.string(),
  connections: z.array(z.string()).describe('the connections of its two sides'),
  createdAt: z.string(),
  updatedAt: z.string(),
  source: z.unknown().describe('the sync definition JSON as stored'),
});

const putResponse = z.object({
  id: z.string(),
  change: z.enum(['added', 'changed', 'unchanged']),
  version: z.number(),
  previous: z.number().optional(),
  hash: z.string(),
  enabled: z.boolean(),
  warnings: z.array(diagnosticSchema),
});

const planOutline = z.object({
  recipeId: z.string(),
  name: z.string(),
  hash: z.string(),
  enabled: z.boolean(),
  trigger: z.record(z.string(), z.unknown()),
  steps: z.array(z.object({ id: z.string(), kind: z.string(), action: z.string().optional() })),
  connections: z.array(z.string()),
});
const syncOutline = z.object({
  syncId: z.string(),
  kind: z.literal('sync'),
  name: z.string(),
  hash: z.string(),
  enabled: z.boolean(),
  left: z.object({ connection: z.string(), object: z.string() }),
  right: z.object({ connection: z.string(), object: z.string() }),
  fields: z.array(z.object({ id: z.string(), left: z.array(z.string()), right: z.array(z.string()), transform: z.string(), direction: z.string() })),
  connections: z.array(z.string()),
});
const versionEntry = z.object({ version: z.number(), hash: z.string(), name: z.string(), createdAt: z.string() });
const versionSource = versionEntry.extend({ id: z.string(), source: z.unknown().describe('the recipe (or sync) JSON as applied in that version') });
const versionParam = z.coerce.number().int().min(1);

const validateResponse = z.object({ valid: z.literal(true), plan: z.union([planOutline, syncOutline]), warnings: z.array(diagnosticSchema) });
const dryRunResponse = z.object({
  recipeId: z.string(),
  hash: z.string(),
  trigger: z.object({ matches: z.boolean().nullable(), detail: z.string() }),
  when: z.boolean(),
  status: z.string(),
  summary: z.unknown(),
  trace: z.array(z.unknown()),
});

/** What the recipe routes answer, for clients (the CLI) that read them; a dry run's `summary` is a RunSummary. */
export interface RecipeAnswers {
  summary: z.output<typeof recipeSummary>;
  put: z.output<typeof putResponse>;
  validate: z.output<typeof validateResponse>;
  detail: z.output<typeof recipeDetail>;
  syncSource: z.output<typeof syncSource>;
  versions: { id: string; current: number; versions: RecipeVersionEntry[] };
  versionSource: z.output<typeof versionSource>;
  dryRun: Omit<z.output<typeof dryRunResponse>, 'summary' | 'trace'> & { summary: RunSummary; trace: TraceEntry[] };
}

function recipeRoutes(deps: RecipeRoutesDeps): ApiRoute[] {
  const now = () => deps.now?.() ?? new Date();
  const mustGet = async (id: string) => {
    const recipe = await deps.recipes.get<Plan>(id);
    if (!recipe) throw new HttpError(404, 'unknown_recipe', `no recipe with id ${id}`, { id });
    return recipe;
  };
  /** A recipe or a sync (they share one id space); 404 when neither has the id. */
  const mustFind = async (id: string) => {
    const recipe = await deps.recipes.get<Plan>(id);
    const sync = recipe || !deps.syncs ? undefined : await deps.syncs.store.get<SyncPlan>(id);
    if (!recipe && !sync) throw new HttpError(404, 'unknown_recipe', `no recipe or sync with id ${id}`, { id });
    return { recipe, sync };
  };
  /** Where a recipe's or a sync's versions are kept: both stores read them alike. */
  const historyOf = async (id: string) => {
    const { recipe, sync } = await mustFind(id);
    if (recipe) return { noun: 'recipe', current: recipe.version, store: deps.recipes as VersionHistory };
    return { noun: 'sync', current: sync!.version, store: deps.syncs!.store as VersionHistory };
  };
  const compile = async (source: unknown) => {
    const result = compileRecipe(source, { actions: deps.catalog, connections: await deps.connections() });
    if (!result.ok) throw invalidRecipe(result.diagnostics);
    return result;
  };
  /** After every change: matching sees it at once, and schedules/pollers follow the stored plan. */
  const changed = async (id: string, plan: Plan | undefined, what: string) => {
    deps.plans.invalidate();
    try {
      await deps.syncTrigger(id, plan);
    } catch (err) {
      throw new HttpError(503, 'trigger_sync_failed', `${what}, but its schedule/poller could not be synced with Temporal (${(err as Error).message}); repeat the request to retry`, { id }, { 'Retry-After': '5' });
    }
  };

  /** A sync body: compiled, checked against both sides' field schemas, stored (a change is a new version). */
  const putSync = async (id: string, source: Record<string, unknown>) => {
    if (!deps.syncs) throw invalidRecipe([{ path: 'kind', message: 'this server keeps no syncs', severity: 'error' }]);
    if (await deps.recipes.get(id)) throw idTaken(id, 'sync', 'recipe');
    const syncs = knownSyncs((await deps.syncs.store.list<SyncPlan>()).filter((s) => s.id !== id));
    const result = await compileSyncForApply(source, await deps.connections(), deps.syncs.schemas, syncs);
    if (!result.ok) throw invalidRecipe(result.diagnostics);
    const change = await deps.syncs.store.apply(source, result.plan, now());
    const stored = await deps.syncs.store.get<SyncPlan>(id);
    // Inbound events feed it (realtime) from now on.
    deps.plans.invalidate();
    try {
      await deps.syncs.workflow(id, stored);
    } catch (err) {
      throw new HttpError(503, 'sync_start_failed', `sync ${id} is stored (v${change.version}), but its workflow could not be started or signalled (${(err as Error).message}); repeat the request to retry`, { id }, { 'Retry-After': '5' });
    }
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
    return { status: change.change === 'added' ? 201 : 200, body: { id, ...change, hash: result.plan.version, enabled: result.plan.enabled, warnings } };
  };

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/recipes',
      scope: 'recipes:read',
      tag: 'recipes',
      summary: 'List recipes with their current version and whether they are enabled',
      response: z.object({ recipes: z.array(recipeSummary) }),
      handler: async () => ({ status: 200, body: { recipes: (await deps.recipes.list<Plan>()).map(summaryOf) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/recipes/validate',
      scope: 'recipes:read',
      tag: 'recipes',
      summary: 'Compile a recipe or a sync definition ("kind": "sync") without storing it: 200 with the plan’s outline, or 422 with every diagnostic',
      body: recipeBody,
      response: validateResponse,
      handler: async ({ body }) => {
        if (isSyncDefinition(body)) {
          const result = compileSync(body, { connections: await deps.connections() });
          if (!result.ok) throw invalidRecipe(result.diagnostics);
          return { status: 200, body: { valid: true, plan: syncOutlineOf(result.plan), warnings: result.diagnostics } };
        }
        const { plan, diagnostics } = await compile(body);
        return { status: 200, body: { valid: true, plan: outlineOf(plan), warnings: diagnostics } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/recipes/:id',
      scope: 'recipes:read',
      tag: 'recipes',
      summary: 'One recipe (current version number and hash, enabled, its source), or a sync ("kind": "sync", its source as PUT stored it)',
      response: z.union([recipeDetail, syncSource]),
      handler: async ({ params }) => {
        const { recipe, sync } = await mustFind(params.id!);
        if (sync) return { status: 200, body: syncSourceOf(sync) };
        return { status: 200, body: { ...summaryOf(recipe!), source: recipe!.source } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/recipes/:id',
      scope: 'recipes:write',
      tag: 'recipes',
      summary: 'Create or replace a recipe or a sync ("kind": "sync"; compiled first, a sync also checked against both sides’ field schemas: 422 with the diagnostics); a change is a new version',
      body: recipeBody,
      response: putResponse,
      handler: async ({ params, body }) => {
        const id = params.id!;
        if (body.id !== undefined && body.id !== id) {
          throw invalidRecipe([{ path: 'id', message: `the body's id ${JSON.stringify(body.id)} differs from the id in the path (${id})`, suggestion: `PUT /api/v1/recipes/${String(body.id)}, or drop id from the body`, severity: 'error' }]);
        }
        const source = { id, ...body };
        if (isSyncDefinition(source)) return putSync(id, source);
        if (deps.syncs && (await deps.syncs.store.get(id))) throw idTaken(id, 'recipe', 'sync');
        const { plan, diagnostics } = await compile(source);
        const change = await deps.recipes.apply(source, plan, now());
        const stored = await mustGet(id);
        await changed(id, stored.plan, `recipe ${id} is stored as version ${change.version}`);
        const warnings = diagnostics.filter((d) => d.severity === 'warning');
        return { status: change.change === 'added' ? 201 : 200, body: { id, ...change, hash: stored.hash, enabled: stored.enabled, warnings } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/recipes/:id',
      scope: 'recipes:write',
      tag: 'recipes',
      summary: 'Delete a recipe and its version history (runs in flight finish on the version they started with), or a sync (as DELETE /api/v1/syncs/:id)',
      successStatus: 204,
      handler: async ({ params }) => {
        const id = params.id!;
        if (!(await deps.recipes.remove(id))) {
          if (deps.syncs && (await deps.syncs.delete(id))) return { status: 204 };
          throw new HttpError(404, 'unknown_recipe', `no recipe with id ${id}`, { id });
        }
        await changed(id, undefined, `recipe ${id} is deleted`);
        return { status: 204 };
      },
    }),
    ...(['enable', 'disable'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/api/v1/recipes/:id/${action}`,
        scope: 'recipes:write',
        tag: 'recipes',
        summary: action === 'enable' ? 'Enable a recipe: events match it again, its schedule or poller resumes' : 'Disable a recipe: no new runs (events no longer match, schedule and poller pause)',
        response: recipeSummary,
        handler: async ({ params }) => {
          const id = params.id!;
          const recipe = await deps.recipes.setEnabled<Plan>(id, action === 'enable', now());
          if (!recipe) throw new HttpError(404, 'unknown_recipe', `no recipe with id ${id}`, { id });
          await changed(id, recipe.plan, `recipe ${id} is ${action}d`);
          return { status: 200, body: summaryOf(recipe) };
        },
      }),
    ),
    defineRoute({
      method: 'get',
      path: '/api/v1/recipes/:id/versions',
      scope: 'recipes:read',
      tag: 'recipes',
      summary: 'Version history of a recipe or a sync, oldest first',
      response: z.object({ id: z.string(), current: z.number(), versions: z.array(versionEntry) }),
      handler: async ({ params }) => {
        const id = params.id!;
        const history = await historyOf(id);
        return { status: 200, body: { id, current: history.current, versions: await history.store.versions(id) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/recipes/:id/versions/:version',
      scope: 'recipes:read',
      tag: 'recipes',
      summary: 'One version of a recipe or a sync with the source it was applied from (to compare versions)',
      response: versionSource,
      handler: async ({ params }) => {
        const id = params.id!;
        const history = await historyOf(id);
        const number = versionParam.safeParse(params.version);
        if (!number.success) {
          const message = `expected a version number (1, 2, …), got ${JSON.stringify(params.version)}`;
          throw new HttpError(422, 'invalid_request', `params.version: ${message}`, { issues: [{ path: 'params.version', message }] });
        }
        const entry = await history.store.version(id, number.data);
        if (!entry) throw new HttpError(404, 'unknown_version', `${history.noun} ${id} has no version ${number.data} (current: ${history.current})`, { id, version: number.data });
        return { status: 200, body: { id, ...entry } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/recipes/:id/test',
      scope: 'recipes:read',
      tag: 'recipes',
      summary: 'Dry run of the stored recipe against an event: no side effects, actions answer with sample (or given) outputs',
      body: dryRunBody,
      response: dryRunResponse,
      handler: async ({ params, body }) => {
        const recipe = await mustGet(params.id!);
        const { plan } = recipe;
        const event = eventFromFixture(plan, body.event, body.topic);
        const result = await dryRun(plan, event, { catalog: deps.catalog, outputs: body.outputs, waits: body.waits });
        const matches = plan.trigger.type === 'webhook' || plan.trigger.type === 'event' ? topicMatches(plan.trigger.event, event.topic) : null;
        return {
          status: 200,
          body: { recipeId: plan.recipeId, hash: plan.version, trigger: { matches, detail: describeMatch(plan, event) }, when: result.when, status: result.summary.status, summary: result.summary, trace: result.trace },
        };
      },
    }),
  ];
}

/** 422 with every compiler diagnostic: `{ path, message, suggestion?, severity }`. */
function invalidRecipe(diagnostics: Diagnostic[]): HttpError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0] ?? diagnostics[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const where = first.path === '' ? '' : `${first.path}: `;
  return new HttpError(422, 'invalid_recipe', `${where}${first.message}${first.suggestion ? ` (${first.suggestion})` : ''}${more}`, { diagnostics });
}

/** Recipes and syncs share one id space (one PUT path, one directory of files). */
function idTaken(id: string, putting: string, stored: string): HttpError {
  return new HttpError(409, 'id_taken', `a ${stored} with id ${id} exists; a ${putting} cannot take its id`, { id });
}

function summaryOf(recipe: StoredRecipe<Plan>) {
  return {
    id: recipe.id,
    name: recipe.name,
    enabled: recipe.enabled,
    version: recipe.version,
    hash: recipe.hash,
    trigger: recipe.plan.trigger,
    connections: recipe.plan.connections,
    createdAt: recipe.createdAt,
    updatedAt: recipe.updatedAt,
  };
}

function syncSourceOf(sync: StoredSync<SyncPlan>) {
  const { id, name, enabled, paused, version, hash, createdAt, updatedAt, source } = sync;
  return { id, kind: 'sync' as const, name, enabled, paused, version, hash, connections: sync.plan.connections, createdAt, updatedAt, source };
}

function outlineOf(plan: Plan) {
  return {
    recipeId: plan.recipeId,
    name: plan.name,
    hash: plan.version,
    enabled: plan.enabled,
    trigger: plan.trigger,
    steps: plan.steps.map((s) => ({ id: s.id, kind: s.kind, ...(s.kind === 'action' ? { action: s.activityType } : {}) })),
    connections: plan.connections,
  };
}

function syncOutlineOf(plan: SyncPlan) {
  const side = (s: SyncPlan['left']) => ({ connection: s.connection, object: s.object });
  return {
    syncId: plan.syncId,
    kind: plan.kind,
    name: plan.name,
    hash: plan.version,
    enabled: plan.enabled,
    left: side(plan.left),
    right: side(plan.right),
    fields: plan.fields.map((f) => ({ id: f.id, left: f.left, right: f.right, transform: f.transform, direction: f.direction })),
    connections: plan.connections,
  };
}
