import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { WorkflowClient } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { nonRetryableFailureTypes } from '../../workflows/activity-contract';
import type { CallOutcome } from './call-activity.workflow';
import { MemoryConnections } from './memory-connections';
import { connectToDevServer, createTestWorker } from './temporal';

/** A call's outcome; a failure also carries the `nextRetryDelay` the activity asked Temporal for. */
export type ContractOutcome = Extract<CallOutcome, { ok: true }> | ContractFailure;
export type ContractFailure = Extract<CallOutcome, { ok: false }> & { nextRetryDelayMs: number | undefined };

export interface ContractHarness {
  connections: MemoryConnections;
  /** Runs activity `type` ("<connector>.<action>" or "pollTrigger") in a workflow on the real dev server. */
  call(type: string, arg: unknown, opts?: { maxAttempts?: number }): Promise<ContractOutcome>;
  close(): Promise<void>;
}

/** A worker on the shared dev server with the real activities, loopback allowed so the fakes are reachable. */
export async function startContractHarness(opts: { egressAllow?: string[] } = {}): Promise<ContractHarness> {
  const env: TestWorkflowEnvironment = await connectToDevServer();
  const connections = new MemoryConnections();
  const taskQueue = `contract-${randomUUID()}`;
  const worker = await createTestWorker(env, {
    taskQueue,
    workflowsPath: path.join(__dirname, 'call-activity.workflow.ts'),
    activities: createActivities({ connections, egressAllow: opts.egressAllow ?? ['127.0.0.1/32'] }),
  });
  const running = worker.run();
  return {
    connections,
    async call(type, arg, opts = {}) {
      const workflowId = `contract-${randomUUID()}`;
      const outcome = (await env.client.workflow.execute('callActivity', {
        taskQueue,
        workflowId,
        args: [{ type, arg, maxAttempts: opts.maxAttempts ?? 4, nonRetryableErrorTypes: [...nonRetryableFailureTypes] }],
      })) as CallOutcome;
      if (outcome.ok) return outcome;
      return { ...outcome, nextRetryDelayMs: await lastNextRetryDelay(env.client.workflow, workflowId) };
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/**
 * The SDK drops `nextRetryDelay` when it decodes a failure inside the workflow, so it is read
 * where Temporal keeps it: the last ActivityTaskFailed event of the run's history.
 */
async function lastNextRetryDelay(workflows: WorkflowClient, workflowId: string): Promise<number | undefined> {
  const history = await workflows.getHandle(workflowId).fetchHistory();
  const failed = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes).at(-1);
  return optionalTsToMs(failed?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.nextRetryDelay);
}
