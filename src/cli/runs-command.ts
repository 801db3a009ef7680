import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { jsonArgument } from './api-client';
import { printObject, printRows } from './api-client-output';
import { defaultApiContext, withApiOptions, type ApiCommandContext } from './tokens-command';

type ApiOpts = { url?: string; token?: string; json?: boolean };
type Filters = { recipe?: string; status?: string; event?: string; since?: string; open?: boolean; build?: string; limit?: string; cursor?: string };

const runPath = (runId: string, rest = '') => `/api/v1/runs/${encodeURIComponent(runId)}${rest}`;

function withFilters(command: Command): Command {
  return command
    .option('--recipe <id>', 'only runs of this recipe')
    .option('--status <status>', 'running, waiting, succeeded, failed, cancelled, terminated or timed_out')
    .option('--event <topic>', 'only runs started by this event topic')
    .option('--since <time>', 'only runs started at or after this ISO time, e.g. 2026-11-27T08:00:00Z')
    .option('--open', 'only runs still open (running or waiting)')
    .option('--build <id>', 'only runs a worker of this build id advanced (with --open: what an old build still has in flight)')
    .option('--limit <n>', 'how many')
    .option('--cursor <cursor>', 'the next page (printed after a full page)');
}

function filterQuery(opts: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  for (const key of ['recipe', 'status', 'event', 'since', 'build', 'limit', 'cursor'] as const) if (opts[key] !== undefined) params.set(key, opts[key]);
  if (opts.open) params.set('open', 'true');
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * `switchyard runs [list]|show|cancel|approve|signal|export` over the management API. Returns the
 * `runs` command so further subcommands (e.g. `runs retry`) can attach to it.
 */
export function registerRunsCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): Command {
  const runs = program.command('runs').description('recipe runs, over the API (from Temporal visibility); `switchyard runs` lists the latest');

  withApiOptions(withFilters(runs.command('list', { isDefault: true }).description('list runs (open first, then the most recently closed)'))).action(async (opts: ApiOpts & Filters) => {
    const page = await ctx.client(opts).request('GET', `/api/v1/runs${filterQuery({ limit: '20', ...opts })}`);
    if (opts.json) return printObject(ctx.print, page, true);
    printRows(ctx.print, page.runs, ['status', 'startedAt', 'recipeId', 'event', 'runId'], false, 'no runs');
    if (page.nextCursor) ctx.print(`more: repeat with --cursor ${page.nextCursor}`);
  });

  withApiOptions(runs.command('show <runId>').description("a run's steps: status, attempts, errors with hints, rendered inputs and outputs")).action(async (runId: string, opts: ApiOpts) => {
    const run = await ctx.client(opts).request('GET', runPath(runId));
    if (opts.json) return printObject(ctx.print, run, true);
    ctx.print(`${run.runId}  ${run.status}  recipe ${run.recipeId} (${run.recipeVersion})  event ${run.event}`);
    ctx.print(`started ${run.startedAt}${run.closedAt ? `, closed ${run.closedAt}` : ''}`);
    for (const step of run.steps ?? []) {
      const extra = [step.attempts ? `attempts ${step.attempts}` : '', step.waitingFor ? `waiting for ${step.waitingFor}` : ''].filter(Boolean).join(', ');
      ctx.print(`  ${step.id}: ${step.status}${extra ? ` (${extra})` : ''}`);
      if (step.input !== undefined) ctx.print(`    input:  ${JSON.stringify(step.input)}`);
      if (step.output !== undefined) ctx.print(`    output: ${JSON.stringify(step.output)}`);
      if (step.error) ctx.print(`    error:  ${step.error.kind}: ${step.error.message}${step.error.hint ? ` — ${step.error.hint}` : ''}`);
    }
    if (run.stateUnavailable) ctx.print(`  (${run.stateUnavailable})`);
  });

  withApiOptions(runs.command('cancel <runId>').description('cancel a running run')).action(async (runId: string, opts: ApiOpts) => {
    const answer = await ctx.client(opts).request('POST', runPath(runId, '/cancel'));
    if (opts.json) return printObject(ctx.print, answer, true);
    ctx.print(`${runId}: cancel requested`);
  });

  withApiOptions(
    runs
      .command('approve <runId>')
      .description('approve (or --reject) a waiting approval step')
      .option('--reject', 'reject instead of approving')
      .option('--by <name>', 'who decides (default: the token’s name)')
      .option('--comment <text>', 'a note later steps can read')
      .option('--step <stepId>', 'the waitFor step, when several could wait'),
  ).action(async (runId: string, opts: ApiOpts & { reject?: boolean; by?: string; comment?: string; step?: string }) => {
    const body = { approved: !opts.reject, ...(opts.by ? { by: opts.by } : {}), ...(opts.comment ? { comment: opts.comment } : {}), ...(opts.step ? { stepId: opts.step } : {}) };
    const answer = await ctx.client(opts).request('POST', runPath(runId, '/approve'), body);
    if (opts.json) return printObject(ctx.print, answer, true);
    ctx.print(`${runId}: ${opts.reject ? 'rejected' : 'approved'}`);
  });

  withApiOptions(
    runs
      .command('signal <runId> <signal>')
      .description('resume a waitFor signal step')
      .option('--payload <json>', 'the step’s output: JSON, @file, or - for stdin'),
  ).action(async (runId: string, signal: string, opts: ApiOpts & { payload?: string }) => {
    const body = { signal, ...(opts.payload ? { payload: jsonArgument(opts.payload, '--payload') } : {}) };
    const answer = await ctx.client(opts).request('POST', runPath(runId, '/signal'), body);
    if (opts.json) return printObject(ctx.print, answer, true);
    ctx.print(`${runId}: signal ${signal} sent`);
  });

  withApiOptions(
    withFilters(runs.command('export').description('export matching runs as ndjson or csv'))
      .option('--format <format>', 'ndjson or csv', 'ndjson')
      .option('-o, --out <file>', 'write to a file instead of stdout'),
  ).action(async (opts: ApiOpts & Filters & { format: string; out?: string }) => {
    const text = await ctx.client(opts).requestText('GET', `/api/v1/runs/export${filterQuery(opts, { format: opts.format })}`);
    if (opts.out) writeFileSync(opts.out, text);
    else if (text) ctx.print(text.replace(/\n$/, ''));
  });
  return runs;
}
