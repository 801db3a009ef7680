import type { Worker } from '@temporalio/worker';
import { createActivities, createSyncActivities, createSyncConversationActivities, createTriggerPayloadActivities } from '../../activities';
import type { Config } from '../config/config';
import type { Logger } from '../logging';
import type { Store } from '../store/store';
import { connectClient, connectWorkerConnection, type TemporalTarget } from '../temporal/connection';
import { createEngineWorker } from '../temporal/worker';
import { storeConnectionResolver } from './connection-resolver';
import { webhookActivitiesFromConfig } from './webhooks-out-wiring';
import { openNamespaceGate } from './namespace-gate';

export interface WorkerHandle {
  worker: Worker;
  /** What Temporal records in the BuildIds search attribute of the runs this worker advances. */
  buildId: string;
  /** Settles when the worker stops (after shutdown() or on a fatal error). */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts the worker that runs the interpreter and every connector activity, once the namespace has
 * the engine's search attributes (SWITCHYARD_NAMESPACE_CHECK: fail at once, or wait until fixed).
 */
export async function startWorker(opts: { config: Config; logger: Logger; store: Store; target: TemporalTarget }): Promise<WorkerHandle> {
  await namespaceReady(opts);
  const connection = await connectWorkerConnection(opts.target);
  const deps = {
    connections: storeConnectionResolver(opts.store, opts.logger),
    egressAllow: opts.config.SWITCHYARD_EGRESS_ALLOW,
    logger: opts.logger,
    effects: opts.store.effects,
  };
  const activities = {
    ...createActivities(deps),
    ...createSyncActivities({ ...deps, syncs: opts.store.syncs }),
    ...createSyncConversationActivities({ ...deps, syncs: opts.store.syncs, transcripts: opts.store.transcripts }),
    ...webhookActivitiesFromConfig({ config: opts.config, store: opts.store }),
    ...createTriggerPayloadActivities(opts.store.payloads),
  };
  const worker = await createEngineWorker({
    connection,
    target: opts.target,
    activities,
    buildId: opts.config.SWITCHYARD_BUILD_ID,
    shutdownGraceMs: opts.config.SWITCHYARD_WORKER_SHUTDOWN_GRACE,
    cachedRuns: opts.config.SWITCHYARD_WORKER_CACHED_RUNS,
    concurrentCalls: opts.config.SWITCHYARD_WORKER_CONCURRENT_CALLS,
    onBundleWriteError: (err) => opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'the workflow bundle built at start could not be cached on disk; run `npm run build:workflows` where the worker is installed'),
  });
  const running = worker.run().finally(() => connection.close());
  return {
    worker,
    buildId: worker.options.buildId ?? '(none)',
    running,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}

async function namespaceReady(opts: { config: Config; logger: Logger; target: TemporalTarget }): Promise<void> {
  const client = await connectClient(opts.target);
  try {
    const gate = await openNamespaceGate(client.connection, opts.target.namespace, opts.config.SWITCHYARD_NAMESPACE_CHECK, opts.logger);
    await gate.ready;
    // The worker reads the namespace only at start; what it meets later shows in its task failures.
    gate.stop();
  } finally {
    await client.connection.close();
  }
}
