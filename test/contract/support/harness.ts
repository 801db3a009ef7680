import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { nonRetryableFailureTypes } from '../../../workflows/activity-contract';
import { connectToDevServer } from '../../support/temporal';
import type { CallOutcome } from './call-activity.workflow';
import { MemoryConnections } from './memory-connections';

export interface ContractHarness {
  connections: MemoryConnections;
  /** Runs activity `type` ("<connector>.<action>" or "pollTrigger") in a workflow on the real dev server. */
  call(type: string, arg: unknown, opts?: { maxAttempts?: number }): Promise<CallOutcome>;
  close(): Promise<void>;
}

/** A worker on the shared dev server with the real activities, loopback allowed so the fakes are reachable. */
export async function startContractHarness(opts: { egressAllow?: string[] } = {}): Promise<ContractHarness> {
  quietRuntime();
  const env: TestWorkflowEnvironment = await connectToDevServer();
  const connections = new MemoryConnections();
  const taskQueue = `contract-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowsPath: path.join(__dirname, 'call-activity.workflow.ts'),
    activities: createActivities({ connections, egressAllow: opts.egressAllow ?? ['127.0.0.1/32'] }),
  });
  const running = worker.run();
  return {
    connections,
    call: (type, arg, opts = {}) =>
      env.client.workflow.execute('callActivity', {
        taskQueue,
        workflowId: `contract-${randomUUID()}`,
        args: [{ type, arg, maxAttempts: opts.maxAttempts ?? 4, nonRetryableErrorTypes: [...nonRetryableFailureTypes] }],
      }) as Promise<CallOutcome>,
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

let runtimeInstalled = false;

/** Activity failures are the point of these tests; keep the worker's log to errors. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by something else in this process: keep its logger.
  }
}
