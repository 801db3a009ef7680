import { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { createActivities, createTriggerPayloadActivities } from '../activities';
import { createLogger } from '../src/logging';
import { runWorkflowId } from '../src/engine/start-runs';
import { storeConnectionResolver } from '../src/runtime/connection-resolver';
import { connectWorkerConnection } from '../src/temporal/connection';
import { runRecipeWorkflowType } from '../src/temporal/run-query';
import { createEngineWorker } from '../src/temporal/worker';
import { runStartAttributes } from '../workflows/search-attributes';
import type { RunEvent } from '../workflows/plan';
import { benchTopic, intercomConnectionId, notification } from './lib/intercom';
import { runLoad, until } from './lib/load';
import { applyRecipe, e2eRecipe, seedIntercomConnection } from './lib/recipes';
import { startStack } from './lib/stack';
import { summarize } from './lib/stats';

/**
 * Eager workflow start (issue #13), where `switchyard dev` has it possible: the client and the
 * worker in one process on one NativeConnection. Starts the e2e recipe's runs as the inbox
 * dispatcher does, with and without `requestEagerStart`, alternating rounds: start → first
 * vendor call (sink arrival minus the send time in the payload) when paced, and runs/s when
 * started at concurrency 20. Prints the figures; not a scenario of `npm run bench`.
 */
async function main(): Promise<void> {
  const paced = Number(process.env.EAGER_PACED ?? 150);
  const burst = Number(process.env.EAGER_BURST ?? 300);
  const rounds = Number(process.env.EAGER_ROUNDS ?? 2);
  const stack = await startStack({ sinkLatencyMs: 0, nodeArgs: [], temporalDb: 'file', sqliteSync: 'full', inboundLog: 'on' });
  const logger = createLogger('warn');
  const store = await stack.openStore();
  const connection = await connectWorkerConnection(stack.target);
  try {
    await seedIntercomConnection(store);
    const plan = await applyRecipe(store, e2eRecipe(stack.sink.url));
    const deps = { connections: storeConnectionResolver(store, logger), egressAllow: stack.config.SWITCHYARD_EGRESS_ALLOW, logger, effects: store.effects };
    const worker = await createEngineWorker({ connection, target: stack.target, activities: { ...createActivities(deps), ...createTriggerPayloadActivities(store.payloads) } });
    const running = worker.run();
    const client = new Client({ connection, namespace: stack.target.namespace, dataConverter: stack.target.dataConverter });
    let n = 0;
    const start = async (eager: boolean) => {
      const id = `eager-${n++}`;
      const sentAt = Date.now();
      const event: RunEvent = { id, topic: benchTopic, source: intercomConnectionId, receivedAt: new Date(sentAt).toISOString(), payload: JSON.parse(notification(id, sentAt)) };
      await client.workflow.start(runRecipeWorkflowType, {
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        workflowId: runWorkflowId(plan.recipeId, event),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ plan, event }],
        typedSearchAttributes: new TypedSearchAttributes(runStartAttributes(plan, event.topic)),
        requestEagerStart: eager,
      });
    };
    const secondsOf = () => stack.sink.arrivals.filter((a) => a.path === '/second').length;
    const results: Record<string, { p50: number; p99: number; runsPerSec: number; cpuMsPerRun: number }[]> = { plain: [], eager: [] };
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? (['plain', 'eager'] as const) : (['eager', 'plain'] as const)) {
        const eager = mode === 'eager';
        const before = stack.sink.arrivals.length;
        for (let i = 0; i < paced; i++) {
          await start(eager);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await until(async () => stack.sink.arrivals.slice(before).filter((a) => a.path === '/first').length >= paced, 60_000, 100);
        const latency = summarize(stack.sink.arrivals.slice(before).filter((a) => a.path === '/first' && a.sentAt !== undefined).map((a) => a.arrivedAt - a.sentAt!));
        const done = secondsOf();
        const cpu = process.cpuUsage();
        const t0 = Date.now();
        await runLoad({ concurrency: 20, count: burst }, () => start(eager).then(() => ({ ok: true as const })));
        await until(async () => secondsOf() >= done + burst, 120_000, 50);
        const elapsed = (Date.now() - t0) / 1000;
        const used = process.cpuUsage(cpu);
        results[mode]!.push({ p50: latency.p50, p99: latency.p99, runsPerSec: Math.round((burst / elapsed) * 10) / 10, cpuMsPerRun: Math.round(((used.user + used.system) / 1000 / burst) * 100) / 100 });
        console.log(mode, JSON.stringify(results[mode]!.at(-1)));
      }
    }
    console.log(JSON.stringify({ at: new Date().toISOString(), paced, burst, rounds, results }, null, 2));
    worker.shutdown();
    await running;
  } finally {
    await connection.close().catch(() => undefined);
    await store.close();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
