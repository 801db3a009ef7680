/**
 * A worker in its own process for interpreter-crash.test.ts, so the test can kill -9 it.
 * Its one activity, webhook.post, POSTs to the test's sink: the sink counts executions.
 * Env: TEMPORAL_ADDRESS, TASK_QUEUE.
 */
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActionActivityInput } from '../../workflows/activity-contract';

async function run() {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TASK_QUEUE!,
    workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'),
    activities: {
      'webhook.post': async ({ input }: ActionActivityInput) => {
        const { url, body } = input as { url: string; body: unknown };
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status };
      },
    },
  });
  console.log('WORKER READY');
  await worker.run();
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
