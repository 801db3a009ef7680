import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { RecipeId, RecipeVersion, TriggerEvent } from '../temporal/search-attributes';
import type { EngineOutbox } from '../store/engine-outbox';
import type { EngineEvents, RunEventData, RunEventTopic } from './engine-events';
import { runsQuery } from '../temporal/run-query';

export const runEventsCursor = 'run-events/close-time';

const outcomes: Partial<Record<string, { topic: RunEventTopic; status: RunEventData['status'] }>> = {
  COMPLETED: { topic: 'run.succeeded', status: 'succeeded' },
  FAILED: { topic: 'run.failed', status: 'failed' },
  TIMED_OUT: { topic: 'run.failed', status: 'timed_out' },
  TERMINATED: { topic: 'run.failed', status: 'terminated' },
  // CANCELLED (a person asked for it) and CONTINUED_AS_NEW (not an end) publish nothing.
};

/** Stable per run and attempt, so any API process re-reading the same window publishes the same event. */
const runEventId = (workflowId: string, runId: string) => `run:${workflowId}:${runId}`;

export interface RunEventsDeps {
  client: Client;
  outbox: Pick<EngineOutbox, 'cursor' | 'setCursor'>;
  events: EngineEvents;
  /** The engine's task queue: runs of other engines sharing the namespace are theirs to publish. */
  taskQueue: string;
  /** How long after closing a run is published: visibility is eventually consistent. */
  lagMs: number;
}

/**
 * Publishes `run.succeeded` / `run.failed` for every `runRecipe` run that closed in
 * (cursor, now − lag], from Temporal visibility — no activity in the run, so its history budget
 * is unchanged, and a worker in another process needs no publisher. The cursor advances only
 * after every event in the window was handed to the subscribers; a crash in between re-publishes
 * the window under the same event ids (outgoing webhooks dedupe on them).
 */
export async function publishClosedRuns(deps: RunEventsDeps, now = new Date()): Promise<number> {
  const end = new Date(now.getTime() - deps.lagMs).toISOString();
  const start = await deps.outbox.cursor(runEventsCursor);
  if (start === undefined) {
    // First start: begin from now, not from the whole retention window.
    await deps.outbox.setCursor(runEventsCursor, end, now);
    return 0;
  }
  if (start >= end) return 0;
  let published = 0;
  const query = runsQuery({ taskQueue: deps.taskQueue, closed: { after: start, until: end } });
  for await (const run of deps.client.workflow.list({ query })) {
    const outcome = outcomes[run.status.name];
    if (!outcome) continue;
    const data = await runEventData(deps.client, run, outcome.status);
    await deps.events.publish(outcome.topic, data, run.closeTime ?? now, { id: runEventId(run.workflowId, run.runId), strict: true });
    published++;
  }
  await deps.outbox.setCursor(runEventsCursor, end, now);
  return published;
}

async function runEventData(client: Client, run: WorkflowExecutionInfo, status: RunEventData['status']): Promise<RunEventData> {
  const attrs = run.typedSearchAttributes;
  const version = attrs.get(RecipeVersion);
  return {
    runId: run.workflowId,
    temporalRunId: run.runId,
    recipeId: attrs.get(RecipeId) ?? null,
    recipeVersion: version === undefined ? null : String(version),
    triggerEvent: attrs.get(TriggerEvent) ?? null,
    status,
    startedAt: run.startTime.toISOString(),
    closedAt: run.closeTime?.toISOString() ?? null,
    error: status === 'succeeded' ? null : await failureMessage(client, run),
  };
}

async function failureMessage(client: Client, run: WorkflowExecutionInfo): Promise<string> {
  try {
    await client.workflow.getHandle(run.workflowId, run.runId).result();
    return run.status.name.toLowerCase();
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause;
    return cause?.message ?? (err as Error).message;
  }
}
