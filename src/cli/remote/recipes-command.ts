import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { StepState } from '../../../workflows/plan';
import type { RecipeAnswers } from '../../http/api/recipes-routes';
import { formatDiagnostic, type Diagnostic } from '../../recipe/diagnostics';
import { ApiError } from './api-client';
import { apiCommand, defaultApiContext, deleteCommand, listCommand, showCommand, type ApiCommandContext } from './api-command';
import { table, tableLines } from './output';
import { given } from './given';

/**
 * `switchyard recipes …`: recipes stored on a server, over the API (`switchyard recipe …` works
 * on local files instead).
 */
export function registerRecipesCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): Command {
  const recipes = program.command('recipes').description('recipes on the server, over the API: list, get, put, delete, enable/disable, versions, validate, dry-run');
  const path = (id: string, rest = '') => `/api/v1/recipes/${encodeURIComponent(id)}${rest}`;

  const list = table(['id', 'enabled', 'version', 'hash', 'trigger', 'updatedAt'], 'no recipes', (r: RecipeAnswers['summary']) => ({
    ...r,
    trigger: r.trigger.event ? `${String(r.trigger.type)} ${String(r.trigger.event)}` : r.trigger.type,
  }));
  listCommand(recipes.command('list').description('stored recipes with their current version'), ctx, '/api/v1/recipes', 'recipes', list);
  showCommand(recipes.command('get <id>').description('one recipe: version, hash, enabled and its source'), ctx, path);

  apiCommand<{ id?: string }, RecipeAnswers['put']>(
    recipes.command('put <file>').description('create or replace a recipe from a JSON file (compiled by the server)').option('--id <id>', 'recipe id (default: the file’s id)'),
    ctx,
    async ({ client, opts }, file) => {
      const source = readRecipe(file);
      const id = opts.id ?? (typeof source.id === 'string' ? source.id : undefined);
      if (!id) throw new Error(`${file}: the recipe has no id; add "id" or pass --id`);
      return withDiagnostics(file, () => client.request('PUT', path(id), source));
    },
    (answer, _opts, file) => {
      const mark = { added: '+', changed: '~', unchanged: '=' }[answer.change];
      const versions = answer.change === 'changed' ? `v${answer.previous} → v${answer.version}` : `v${answer.version}`;
      return [`${mark} ${answer.id} ${answer.change} (${versions})${answer.enabled ? '' : ', disabled'}`, ...warningLines(file, answer.warnings)];
    },
  );

  deleteCommand(recipes.command('delete <id>').description('delete a recipe and its history (runs in flight finish)'), ctx, path, 'deleted', (id) => `- ${id} deleted`);

  for (const action of ['enable', 'disable'] as const) {
    apiCommand(
      recipes.command(`${action} <id>`).description(action === 'enable' ? 'events match it again; schedule/poller resume' : 'no new runs; schedule/poller pause'),
      ctx,
      ({ client }, id) => client.request<RecipeAnswers['summary']>('POST', path(id, `/${action}`)),
      (recipe, _opts, id) => `${id}: ${recipe.enabled ? 'enabled' : 'disabled'} (v${recipe.version})`,
    );
  }

  apiCommand(
    recipes.command('versions <id>').description('version history, oldest first'),
    ctx,
    ({ client }, id) => client.request<RecipeAnswers['versions']>('GET', path(id, '/versions')),
    (history) => {
      const rows = history.versions.map((v) => ({ ...v, current: v.version === history.current ? '*' : '' }));
      return tableLines(rows, ['version', 'current', 'hash', 'name', 'createdAt'], 'no versions');
    },
  );

  apiCommand(
    recipes.command('validate <file>').description('compile a recipe file on the server without storing it'),
    ctx,
    ({ client }, file) => withDiagnostics(file, () => client.request<RecipeAnswers['validate']>('POST', '/api/v1/recipes/validate', readRecipe(file))),
    (answer, _opts, file) => {
      const { plan } = answer;
      const what = 'syncId' in plan
        ? `sync ${plan.syncId}, ${plan.left.connection} ${plan.left.object} ↔ ${plan.right.connection} ${plan.right.object}, ${plan.fields.length} field${plan.fields.length === 1 ? '' : 's'}`
        : `${plan.recipeId}, ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`;
      return [...warningLines(file, answer.warnings), `${file}: valid (${what}, hash ${plan.hash})`];
    },
  );

  apiCommand<{ event: string; topic?: string; outputs?: string }, RecipeAnswers['dryRun']>(
    recipes.command('test <id>').description('dry-run the stored recipe against an event: no side effects')
      .requiredOption('--event <file>', 'the event payload as the sender sends it')
      .option('--topic <topic>', 'event topic (default: the payload’s "topic", else the trigger’s event)')
      .option('--outputs <file>', 'step outputs by step id, instead of the actions’ samples'),
    ctx,
    ({ client, opts }, id) => client.request('POST', path(id, '/test'), { event: readJson(opts.event), ...given({ topic: opts.topic, outputs: opts.outputs && readJson(opts.outputs) }) }),
    (result) => {
      const steps = Object.entries(result.summary.steps);
      return [`trigger: ${result.trigger.detail}`, `when: ${result.when}`, ...steps.flatMap(([stepId, s]) => stepLines(stepId, s)), `result: ${result.status}`];
    },
  );
  return recipes;
}

function stepLines(stepId: string, s: StepState): string[] {
  return [
    `${stepId}: ${s.status}`,
    ...(s.input !== undefined ? [`    input:  ${JSON.stringify(s.input)}`] : []),
    ...(s.output !== undefined ? [`    output: ${JSON.stringify(s.output)}`] : []),
    ...(s.error ? [`    error:  ${s.error.kind}: ${s.error.message}`] : []),
  ];
}

function warningLines(file: string, warnings: Diagnostic[]): string[] {
  return warnings.map((w) => formatDiagnostic(file, w));
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

function readRecipe(file: string): Record<string, unknown> {
  const value = readJson(file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: a recipe must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A 422 from the compiler becomes one `file:path: message (suggestion)` line per diagnostic. */
async function withDiagnostics<T>(file: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    const diagnostics = err instanceof ApiError ? (err.details as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics : undefined;
    if (!diagnostics) throw err;
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    throw new Error([...diagnostics.map((d) => formatDiagnostic(file, d)), `${file}: ${errors} error${errors === 1 ? '' : 's'}`].join('\n'), { cause: err });
  }
}
