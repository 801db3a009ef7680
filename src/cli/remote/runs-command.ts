import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RunAnswers } from '../../http/api/runs-routes';
import { alreadyPrinted, apiCommand, defaultApiContext, type ApiCommandContext } from './api-command';
import { jsonArgument } from './json-argument';
import { tableLines } from './output';
import { given } from './given';

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

  apiCommand<Filters, RunAnswers['page']>(
    withFilters(runs.command('list', { isDefault: true }).description('list runs (open first, then the most recently closed)')),
    ctx,
    ({ client, opts }) => client.request('GET', `/api/v1/runs${filterQuery({ limit: '20', ...opts })}`),
    (page) => [...tableLines(page.runs, ['status', 'startedAt', 'recipeId', 'event', 'runId'], 'no runs'), ...(page.nextCursor ? [`more: repeat with --cursor ${page.nextCursor}`] : [])],
  );

  apiCommand(
    runs.command('show <runId>').description("a run's steps: status, attempts, errors with hints, rendered inputs and outputs"),
    ctx,
    ({ client }, runId) => client.request<RunAnswers['detail']>('GET', runPath(runId)),
    (run) => [
      `${run.runId}  ${run.status}  recipe ${run.recipeId} (${run.recipeVersion})  event ${run.event}`,
      `started ${run.startedAt}${run.closedAt ? `, closed ${run.closedAt}` : ''}`,
      ...(run.steps ?? []).flatMap(stepLines),
      ...(run.stateUnavailable ? [`  (${run.stateUnavailable})`] : []),
    ],
  );

  apiCommand(
    runs.command('cancel <runId>').description('cancel a running run'),
    ctx,
    ({ client }, runId) => client.request('POST', runPath(runId, '/cancel')),
    (_answer, _opts, runId) => `${runId}: cancel requested`,
  );

  apiCommand<{ reject?: boolean; by?: string; comment?: string; step?: string }>(
    runs.command('approve <runId>').description('approve (or --reject) a waiting approval step')
      .option('--reject', 'reject instead of approving')
      .option('--by <name>', 'who decides (default: the token’s name)')
      .option('--comment <text>', 'a note later steps can read')
      .option('--step <stepId>', 'the waitFor step, when several could wait'),
    ctx,
    ({ client, opts }, runId) =>
      client.request('POST', runPath(runId, '/approve'), { approved: !opts.reject, ...given({ by: opts.by, comment: opts.comment, stepId: opts.step }) }),
    (_answer, opts, runId) => `${runId}: ${opts.reject ? 'rejected' : 'approved'}`,
  );

  apiCommand<{ payload?: string }>(
    runs.command('signal <runId> <signal>').description('resume a waitFor signal step')
      .option('--payload <json>', 'the step’s output: JSON, @file, or - for stdin'),
    ctx,
    ({ client, opts }, runId, signal) => client.request('POST', runPath(runId, '/signal'), { signal, ...given({ payload: opts.payload && jsonArgument(opts.payload, '--payload') }) }),
    (_answer, _opts, runId, signal) => `${runId}: signal ${signal} sent`,
  );

  apiCommand<Filters & { format: string; out?: string }>(
    withFilters(runs.command('export').description('export matching runs as ndjson or csv'))
      .option('--format <format>', 'ndjson or csv', 'ndjson')
      .option('-o, --out <file>', 'write to a file instead of stdout'),
    ctx,
    async ({ client, opts, print }) => {
      const text = await client.requestText('GET', `/api/v1/runs/export${filterQuery(opts, { format: opts.format })}`);
      if (opts.out) writeFileSync(opts.out, text);
      else if (text) print(text.replace(/\n$/, ''));
      return alreadyPrinted;
    },
  );
  return runs;
}

type RunStep = NonNullable<RunAnswers['detail']['steps']>[number];

function stepLines(step: RunStep): string[] {
  const extra = [step.attempts ? `attempts ${step.attempts}` : '', step.waitingFor ? `waiting for ${step.waitingFor}` : ''].filter(Boolean).join(', ');
  return [
    `  ${step.id}: ${step.status}${extra ? ` (${extra})` : ''}`,
    ...(step.input !== undefined ? [`    input:  ${JSON.stringify(step.input)}`] : []),
    ...(step.output !== undefined ? [`    output: ${JSON.stringify(step.output)}`] : []),
    ...(step.error ? [`    error:  ${step.error.kind}: ${step.error.message}${step.error.hint ? ` — ${step.error.hint}` : ''}`] : []),
  ];
}
