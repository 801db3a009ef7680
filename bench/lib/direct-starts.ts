import path from 'node:path';
import type { Client } from '@temporalio/client';
import { startRuns } from '../../src/engine/start-runs';
import type { Plan, RunEvent } from '../../workflows/plan';
import { benchTopic, intercomConnectionId, notification } from './intercom';
import { repoRoot } from './processes';

export const handwrittenWorkerEntry = path.join(repoRoot, 'bench/handwritten/worker.ts');

/** The event the ingress would hand to the interpreter for notification `id`. */
function benchEvent(id: string): RunEvent {
  const sentAt = Date.now();
  return { id, topic: benchTopic, source: intercomConnectionId, receivedAt: new Date(sentAt).toISOString(), payload: JSON.parse(notification(id, sentAt)) };
}

/** Starts one interpreter run exactly as the ingress does (same function, search attributes included). */
export async function startInterpreterRun(client: Client, taskQueue: string, plan: Plan, id: string): Promise<string> {
  const [outcome] = await startRuns(client, taskQueue, [plan], benchEvent(id));
  return outcome!.workflowId;
}

/** Starts one hand-written run, the way the samples start workflows. */
export async function startHandwrittenRun(client: Client, taskQueue: string, workflowType: 'twoPosts' | 'onePost', sinkUrl: string, id: string): Promise<string> {
  const handle = await client.workflow.start(workflowType, {
    taskQueue,
    workflowId: `hand/${id}`,
    args: [{ sinkUrl, sentAt: Date.now(), subject: 'Where is my order?' }],
  });
  return handle.workflowId;
}
