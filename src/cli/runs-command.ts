import type { Command } from 'commander';
import { connectClient, temporalTarget } from '../temporal/connection';
import { loadConfigOrExit } from './load-config';

/** `runs` and `runs show <id>`: run history straight from Temporal visibility (no second copy). */
export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('list recipe runs (from Temporal visibility)');
  runs
    .option('--recipe <id>', 'only runs of this recipe')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { recipe?: string; limit: string; json?: boolean }) => {
      const client = await clientFromEnv();
      const clauses = [`WorkflowType = 'runRecipe'`];
      if (opts.recipe) clauses.push(`RecipeId = ${JSON.stringify(opts.recipe)}`);
      let shown = 0;
      for await (const run of client.workflow.list({ query: clauses.join(' AND '), pageSize: Number(opts.limit) })) {
        const row = { runId: run.workflowId, status: run.status.name, started: run.startTime.toISOString(), closed: run.closeTime?.toISOString() ?? null };
        console.log(opts.json ? JSON.stringify(row) : `${row.status.padEnd(11)} ${row.started}  ${row.runId}`);
        if (++shown >= Number(opts.limit)) break;
      }
      if (!shown && !opts.json) console.log('no runs yet');
      await client.connection.close();
    });
  runs
    .command('show <runId>')
    .description("a run's per-step state (status, attempts, errors, rendered inputs and outputs)")
    .action(async (runId: string) => {
      const client = await clientFromEnv();
      const handle = client.workflow.getHandle(runId);
      const description = await handle.describe();
      const state = await handle.query('state');
      console.log(JSON.stringify({ runId, status: description.status.name, state }, null, 2));
      await client.connection.close();
    });
}

async function clientFromEnv() {
  const config = loadConfigOrExit();
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  return connectClient(temporalTarget({ ...config, TEMPORAL_ADDRESS: address }));
}
