import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { WorkflowClient } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { nonRetryableFailureTypes } from '../../workflows/activity-contract';
import type { CallOutcome } from './call-activity.workflow';
import { MemoryConnections } from './memory-connections';
import { connectToDevServer, createTestWorker } from './temporal';

/** A call's outcome; a failure also carries the `nextRetryDelay` the activity asked Temporal for. */
export type ContractOutcome = Extract<CallOutcome, { ok: true }> | ContractFailure;
export type ContractFailure = Extract<CallOutcome, { ok: false }> & { nextRetryDelayMs: number | undefined };

/** A worker running one activity at a time through the `callActivity` workflow, on the shared dev server. */
export interface ActivityCaller {
  /** Runs activity `type` ("<connector>.<action>" or "pollTrigger") in a workflow; 4 attempts unless told. */
  call(type: string, arg: unknown, opts?: { maxAttempts?: number }): Promise<ContractOutcome>;
  close(): Promise<void>;
}

export interface ContractHarness extends ActivityCaller {
  connections: MemoryConnections;
}

/** The engine's activities with in-memory connections, loopback allowed so the fakes are reachable. */
export async function startContractHarness(opts: { egressAllow?: string[] } = {}): Promise<ContractHarness> {
  const connections = new MemoryConnections();
  const caller = await startActivityCaller(createActivities({ connections, egressAllow: opts.egressAllow ?? ['127.0.0.1/32'] }));
  return { connections, ...caller };
}

/** `activities` (built by the test: its own connectors or connection store) behind an ActivityCaller. */
export async function startActivityCaller(activities: WorkerOptions['activities']): Promise<ActivityCaller> {
  const env: TestWorkflowEnvironment = await connectToDevServer();
  const taskQueue = `contract-${randomUUID()}`;
  const worker = await createTestWorker(env, { taskQueue, workflowsPath: path.join(__dirname, 'call-activity.workflow.ts'), activities });
  const running = worker.run();
  return {
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
