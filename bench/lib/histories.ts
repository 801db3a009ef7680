import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface HistoryFigures {
  events: number;
  bytes: number;
  /** Event type names in order, for the record. */
  types: string[];
}

/** A closed run's history: event count and encoded size (what Temporal stores and replays). */
export async function historyOf(client: Client, workflowId: string): Promise<HistoryFigures> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  const types = events.map((e) => (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, ''));
  return { events: events.length, bytes, types };
}

/** Workflow ids of every run a visibility query lists. */
export async function listedIds(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const run of client.workflow.list({ query, pageSize: 1000 })) ids.push(run.workflowId);
  return ids;
}

export async function countRuns(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(query)).count;
}

/**
 * Workflow tasks of a run that went to the task queue's normal (non-sticky) side after its first:
 * each one made a worker replay the run's history from the start (the run had left the worker's
 * cache, or its sticky queue timed out).
 */
export async function replayedTasks(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const normal = temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL;
  const scheduled = (history.events ?? []).filter((e) => e.workflowTaskScheduledEventAttributes);
  return scheduled.slice(1).filter((e) => (e.workflowTaskScheduledEventAttributes!.taskQueue?.kind ?? normal) === normal).length;
}
