import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { TemporalTarget } from './connection';

export const workflowsPath = path.resolve(__dirname, '..', '..', 'workflows', 'index.ts');

export interface EngineWorkerOptions {
  connection: NativeConnection;
  target: TemporalTarget;
  activities: WorkerOptions['activities'];
  /** A prebuilt bundle (bundleWorkflowCode) saves the bundling step on start; tests reuse one. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

/** The worker that runs recipe interpreters and connector activities on the engine's task queue. */
export function createEngineWorker(opts: EngineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.target.namespace,
    taskQueue: opts.target.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    activities: opts.activities,
    // An explicit undefined would override the SDK's default identity and the native worker rejects it.
    ...(opts.identity ? { identity: opts.identity } : {}),
    dataConverter: opts.target.dataConverter,
    // Connector calls are I/O bound: many may wait on vendors at once.
    maxConcurrentActivityTaskExecutions: 100,
  });
}
