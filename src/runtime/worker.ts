import type { Worker } from '@temporalio/worker';
import { createActivities, createTriggerPayloadActivities } from '../../activities';
import type { Config } from '../config/config';
import type { Logger } from '../logging';
import type { Store } from '../store/store';
import { connectWorkerConnection, type TemporalTarget } from '../temporal/connection';
import { createEngineWorker } from '../temporal/worker';
import { storeConnectionResolver } from './connection-resolver';
import { webhookActivitiesFromConfig } from './webhooks-out-wiring';

export interface WorkerHandle {
  worker: Worker;
  /** Settles when the worker stops (after shutdown() or on a fatal error). */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

/** Starts the worker that runs the interpreter and every connector activity. */
export async function startWorker(opts: { config: Config; logger: Logger; store: Store; target: TemporalTarget }): Promise<WorkerHandle> {
  const connection = await connectWorkerConnection(opts.target);
  const activities = {
    ...createActivities({
      connections: storeConnectionResolver(opts.store, opts.logger),
      egressAllow: opts.config.SWITCHYARD_EGRESS_ALLOW,
      logger: opts.logger,
    }),
    ...webhookActivitiesFromConfig({ config: opts.config, store: opts.store }),
    ...createTriggerPayloadActivities(opts.store.payloads),
  };
  const worker = await createEngineWorker({ connection, target: opts.target, activities });
  const running = worker.run().finally(() => connection.close());
  return {
    worker,
    running,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}
