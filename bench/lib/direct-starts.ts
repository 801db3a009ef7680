import path from 'node:path';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type * as handwritten from '../handwritten/workflows';
import { startRuns } from '../../src/engine/start-runs';
import type { Plan, RunEvent } from '../../workflows/plan';
import { RecipeId } from '../../workflows/search-attributes';
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

export type HandwrittenWorkflow = keyof typeof handwritten;

/**
 * Starts one hand-written run, the way the samples start workflows. `label` goes into the RecipeId
 * search attribute so a phase's runs can be counted and listed in visibility.
 */
export async function startHandwrittenRun(client: Client, taskQueue: string, workflowType: HandwrittenWorkflow, sinkUrl: string, id: string, label?: string): Promise<string> {
  const handle = await client.workflow.start(workflowType, {
    taskQueue,
    workflowId: `hand/${id}`,
    args: [{ sinkUrl, sentAt: Date.now(), subject: 'Where is my order?' }],
    ...(label ? { typedSearchAttributes: new TypedSearchAttributes([{ key: RecipeId, value: label }]) } : {}),
  });
  return handle.workflowId;
}
