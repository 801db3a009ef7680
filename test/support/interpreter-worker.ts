/**
 * A worker in its own process for interpreter-crash.test.ts, so the test can kill -9 it. Its
 * activities are the engine's own (activities/index.ts) with the side-effect ledger in a SQLite
 * store the test's worker processes share (STORE_URL, sealed with SECRET_KEY); webhook.post POSTs
 * to the test's sink, which counts executions. Env: TEMPORAL_ADDRESS, TASK_QUEUE, STORE_URL,
 * SECRET_KEY (hex), and NO_LEDGER=1 to run the activities without the ledger.
 */
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createSecretBox } from '../../src/security/secret-box';
import { openStore } from '../../src/store/store';
import { MemoryConnections } from './memory-connections';

async function run() {
  const store = await openStore(process.env.STORE_URL!, createSecretBox([Buffer.from(process.env.SECRET_KEY!, 'hex')]));
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TASK_QUEUE!,
    workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'),
    activities: createActivities({
      connections: new MemoryConnections(),
      egressAllow: ['127.0.0.0/8'],
      effects: process.env.NO_LEDGER === '1' ? undefined : store.effects,
    }),
  });
  console.log('WORKER READY');
  await worker.run();
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
