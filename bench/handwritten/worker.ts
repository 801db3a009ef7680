import path from 'node:path';
import { parseConfig } from '../../src/config/config';
import { connectWorkerConnection, temporalTarget } from '../../src/temporal/connection';
import { createEngineWorker } from '../../src/temporal/worker';
import { createHandwrittenActivities } from './activities';

/** The hand-written workflow's worker: the engine's worker settings, its own task queue (TEMPORAL_TASK_QUEUE). */
async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const target = temporalTarget(config);
  const connection = await connectWorkerConnection(target);
  const worker = await createEngineWorker({
    connection,
    target,
    workflowsPath: path.join(__dirname, 'workflows.ts'),
    activities: createHandwrittenActivities({ connections: { get: async () => undefined, markDisconnected: async () => undefined }, egressAllow: config.SWITCHYARD_EGRESS_ALLOW }),
  });
  process.once('SIGTERM', () => worker.shutdown());
  process.once('SIGINT', () => worker.shutdown());
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
