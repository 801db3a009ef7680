import { Option, type Command } from 'commander';
import type { RetryAnswer } from '../../http/api/runs-retry-route';
import { apiCommand, defaultApiContext, type ApiCommandContext } from './api-command';
import { given } from './given';

/** `switchyard runs retry <runId> [--from failed|start]` over the API (needs runs:write). */
export function registerRunsRetry(runs: Command, ctx: ApiCommandContext = defaultApiContext): void {
  apiCommand<{ from: 'failed' | 'start'; idempotencyKey?: string }, RetryAnswer>(
    runs
      .command('retry <runId>')
      .description("retry a failed run with the recipe's current version: from the failed step (earlier steps keep their outputs and are not repeated) or from the start")
      .addOption(new Option('--from <where>', 'failed step or start').choices(['failed', 'start']).default('failed'))
      .option('--idempotency-key <key>', 'send the same key again to repeat a retry whose answer was lost: the API answers with the retry it started instead of a second one'),
    ctx,
    ({ client, opts }, runId) => {
      return client.request('POST', `/api/v1/runs/${encodeURIComponent(runId)}/retry`, { from: opts.from }, given({ 'idempotency-key': opts.idempotencyKey }));
    },
    (started) => `started ${started.runId} (retry of ${started.retryOf} from ${started.from === 'failed' ? `step ${started.fromStepId}` : 'the start'})`,
  );
}
