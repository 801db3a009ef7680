import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatDiagnostic, type Diagnostic } from '../recipe/diagnostics';
import { ApiError } from './api-client';
import { printObject, printRows } from './api-client-output';
import { defaultApiContext, withApiOptions, type ApiCommandContext } from './tokens-command';

type ApiOpts = { url?: string; token?: string; json?: boolean };

/**
 * `switchyard recipes …`: recipes stored on a server, over the API (`switchyard recipe …` works
 * on local files instead).
 */
export function registerRecipesCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): Command {
  const recipes = program.command('recipes').description('recipes on the server, over the API: list, get, put, delete, enable/disable, versions, validate, dry-run');
  const path = (id: string, rest = '') => `/api/v1/recipes/${encodeURIComponent(id)}${rest}`;

  withApiOptions(recipes.command('list').description('stored recipes with their current version')).action(async (opts: ApiOpts) => {
    const { recipes: rows } = await ctx.client(opts).request('GET', '/api/v1/recipes');
    const shown = opts.json ? rows : rows.map((r: { trigger: { type: string; event?: string } }) => ({ ...r, trigger: r.trigger.event ? `${r.trigger.type} ${r.trigger.event}` : r.trigger.type }));
    printRows(ctx.print, shown, ['id', 'enabled', 'version', 'hash', 'trigger', 'updatedAt'], opts.json, 'no recipes');
  });

  withApiOptions(recipes.command('get <id>').description('one recipe: version, hash, enabled and its source')).action(async (id: string, opts: ApiOpts) => {
    printObject(ctx.print, await ctx.client(opts).request('GET', path(id)), opts.json);
  });

  withApiOptions(recipes.command('put <file>').description('create or replace a recipe from a JSON file (compiled by the server)').option('--id <id>', 'recipe id (default: the file’s id)')).action(
    async (file: string, opts: ApiOpts & { id?: string }) => {
      const source = readRecipe(file);
      const id = opts.id ?? (typeof source.id === 'string' ? source.id : undefined);
      if (!id) throw new Error(`${file}: the recipe has no id; add "id" or pass --id`);
      const answer = await withDiagnostics(file, () => ctx.client(opts).request('PUT', path(id), source));
      if (opts.json) return printObject(ctx.print, answer, true);
      const mark = { added: '+', changed: '~', unchanged: '=' }[answer.change as 'added' | 'changed' | 'unchanged'];
      const versions = answer.change === 'changed' ? `v${answer.previous} → v${answer.version}` : `v${answer.version}`;
      ctx.print(`${mark} ${id} ${answer.change} (${versions})${answer.enabled ? '' : ', disabled'}`);
      for (const w of answer.warnings as Diagnostic[]) ctx.print(formatDiagnostic(file, w));
    },
  );

  withApiOptions(recipes.command('delete <id>').description('delete a recipe and its history (runs in flight finish)')).action(async (id: string, opts: ApiOpts) => {
    await ctx.client(opts).request('DELETE', path(id));
    if (opts.json) return printObject(ctx.print, { deleted: id }, true);
    ctx.print(`- ${id} deleted`);
  });

  for (const action of ['enable', 'disable'] as const) {
    withApiOptions(recipes.command(`${action} <id>`).description(action === 'enable' ? 'events match it again; schedule/poller resume' : 'no new runs; schedule/poller pause')).action(
      async (id: string, opts: ApiOpts) => {
        const recipe = await ctx.client(opts).request('POST', path(id, `/${action}`));
        if (opts.json) return printObject(ctx.print, recipe, true);
        ctx.print(`${id}: ${recipe.enabled ? 'enabled' : 'disabled'} (v${recipe.version})`);
      },
    );
  }

  withApiOptions(recipes.command('versions <id>').description('version history, oldest first')).action(async (id: string, opts: ApiOpts) => {
    const history = await ctx.client(opts).request('GET', path(id, '/versions'));
    if (opts.json) return printObject(ctx.print, history, true);
    const rows = history.versions.map((v: { version: number }) => ({ ...v, current: v.version === history.current ? '*' : '' }));
    printRows(ctx.print, rows, ['version', 'current', 'hash', 'name', 'createdAt'], false, 'no versions');
  });

  withApiOptions(recipes.command('validate <file>').description('compile a recipe file on the server without storing it')).action(async (file: string, opts: ApiOpts) => {
    const answer = await withDiagnostics(file, () => ctx.client(opts).request('POST', '/api/v1/recipes/validate', readRecipe(file)));
    if (opts.json) return printObject(ctx.print, answer, true);
    for (const w of answer.warnings as Diagnostic[]) ctx.print(formatDiagnostic(file, w));
    ctx.print(`${file}: valid (${answer.plan.recipeId}, ${answer.plan.steps.length} step${answer.plan.steps.length === 1 ? '' : 's'}, hash ${answer.plan.hash})`);
  });

  withApiOptions(
    recipes
      .command('test <id>')
      .description('dry-run the stored recipe against an event: no side effects')
      .requiredOption('--event <file>', 'the event payload as the sender sends it')
      .option('--topic <topic>', 'event topic (default: the payload’s "topic", else the trigger’s event)')
      .option('--outputs <file>', 'step outputs by step id, instead of the actions’ samples'),
  ).action(async (id: string, opts: ApiOpts & { event: string; topic?: string; outputs?: string }) => {
    const body = { event: readJson(opts.event), ...(opts.topic ? { topic: opts.topic } : {}), ...(opts.outputs ? { outputs: readJson(opts.outputs) } : {}) };
    const result = await ctx.client(opts).request('POST', path(id, '/test'), body);
    if (opts.json) return printObject(ctx.print, result, true);
    ctx.print(`trigger: ${result.trigger.detail}`);
    ctx.print(`when: ${result.when}`);
    for (const [stepId, s] of Object.entries(result.summary.steps as Record<string, { status: string; input?: unknown; output?: unknown; error?: { kind: string; message: string } }>)) {
      ctx.print(`${stepId}: ${s.status}`);
      if (s.input !== undefined) ctx.print(`    input:  ${JSON.stringify(s.input)}`);
      if (s.output !== undefined) ctx.print(`    output: ${JSON.stringify(s.output)}`);
      if (s.error) ctx.print(`    error:  ${s.error.kind}: ${s.error.message}`);
    }
    ctx.print(`result: ${result.status}`);
  });
  return recipes;
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
