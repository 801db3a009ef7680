import { Option, type Command } from 'commander';
import { printObject } from './api-client-output';
import { defaultApiContext, withApiOptions, type ApiCommandContext } from './tokens-command';

type RetryOpts = { url?: string; token?: string; json?: boolean; from: 'failed' | 'start'; idempotencyKey?: string };

/** `switchyard runs retry <runId> [--from failed|start]` over the API (needs runs:write). */
export function registerRunsRetry(runs: Command, ctx: ApiCommandContext = defaultApiContext): void {
  withApiOptions(
    runs
      .command('retry <runId>')
      .description("retry a failed run with the recipe's current version: from the failed step (earlier steps keep their outputs and are not repeated) or from the start")
      .addOption(new Option('--from <where>', 'failed step or start').choices(['failed', 'start']).default('failed'))
      .option('--idempotency-key <key>', 'send the same key again to repeat a retry whose answer was lost: the API answers with the retry it started instead of a second one'),
  ).action(async (runId: string, opts: RetryOpts) => {
    const headers: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
    const started = await ctx.client(opts).request('POST', `/api/v1/runs/${encodeURIComponent(runId)}/retry`, { from: opts.from }, headers);
    if (opts.json) return printObject(ctx.print, started, true);
    ctx.print(`started ${started.runId} (retry of ${started.retryOf} from ${started.from === 'failed' ? `step ${started.fromStepId}` : 'the start'})`);
  });
}
