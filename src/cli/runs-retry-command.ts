import { Option, type Command } from 'commander';
import { printObject } from './api-client-output';
import { defaultApiContext, withApiOptions, type ApiCommandContext } from './tokens-command';

type RetryOpts = { url?: string; token?: string; json?: boolean; from: 'failed' | 'start' };

/** `switchyard runs retry <runId> [--from failed|start]` over the API (needs runs:write). */
export function registerRunsRetry(runs: Command, ctx: ApiCommandContext = defaultApiContext): void {
  withApiOptions(
    runs
      .command('retry <runId>')
      .description("retry a failed run with the recipe's current version: from the failed step (earlier steps keep their outputs and are not repeated) or from the start")
      .addOption(new Option('--from <where>', 'failed step or start').choices(['failed', 'start']).default('failed')),
  ).action(async (runId: string, opts: RetryOpts) => {
    const started = await ctx.client(opts).request('POST', `/api/v1/runs/${encodeURIComponent(runId)}/retry`, { from: opts.from });
    if (opts.json) return printObject(ctx.print, started, true);
    ctx.print(`started ${started.runId} (retry of ${started.retryOf} from ${started.from === 'failed' ? `step ${started.fromStepId}` : 'the start'})`);
  });
}
