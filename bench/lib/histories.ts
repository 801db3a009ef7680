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
