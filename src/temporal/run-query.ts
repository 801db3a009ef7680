import { runRecipeWorkflowType } from '../../workflows/plan';

export { runRecipeWorkflowType };

/** What a run listing shows: the run's own status, not only Temporal's execution status. */
export const runStatuses = ['running', 'waiting', 'succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'] as const;
export type RunListStatus = (typeof runStatuses)[number];

/** Visibility clause per status: open runs by the RunStatus attribute, closed ones by how they closed. */
const statusClause: Record<RunListStatus, string> = {
  running: `ExecutionStatus = 'Running' AND RunStatus = 'running'`,
  waiting: `ExecutionStatus = 'Running' AND RunStatus = 'waiting'`,
  succeeded: `ExecutionStatus = 'Completed'`,
  failed: `ExecutionStatus = 'Failed'`,
  cancelled: `ExecutionStatus = 'Canceled'`,
  terminated: `ExecutionStatus = 'Terminated'`,
  timed_out: `ExecutionStatus = 'TimedOut'`,
};

/** Which runs: every field narrows the set; none means every recipe run. */
export interface RunQuery {
  /** Only open runs (any RunStatus). */
  open?: boolean;
  status?: RunListStatus;
  recipeId?: string;
  /** The TriggerEvent attribute (the topic that started the run). */
  event?: string;
  /** Runs whose step uses this connection (the ConnectionIds attribute). */
  connectionId?: string;
  taskQueue?: string;
  /**
   * Runs a worker of this build advanced: Temporal adds `unversioned:<build id>` to the BuildIds
   * attribute for every build that completes one of a run's workflow tasks (workers without
   * Worker Versioning, as ours), and never removes it.
   */
  buildId?: string;
  startedSince?: Date;
  /** Closed in (after, until]: ISO 8601 times. */
  closed?: { after: string; until: string };
}

/** The one builder of visibility queries over recipe runs; every value is quoted as a string literal. */
export function runsQuery(query: RunQuery = {}): string {
  const clauses = [`WorkflowType = ${literal(runRecipeWorkflowType)}`];
  if (query.open) clauses.push(`ExecutionStatus = 'Running'`);
  if (query.status) clauses.push(statusClause[query.status]);
  if (query.recipeId !== undefined) clauses.push(`RecipeId = ${literal(query.recipeId)}`);
  if (query.event !== undefined) clauses.push(`TriggerEvent = ${literal(query.event)}`);
  if (query.connectionId !== undefined) clauses.push(`ConnectionIds = ${literal(query.connectionId)}`);
  if (query.taskQueue !== undefined) clauses.push(`TaskQueue = ${literal(query.taskQueue)}`);
  if (query.buildId !== undefined) clauses.push(`BuildIds = ${literal(`unversioned:${query.buildId}`)}`);
  if (query.startedSince) clauses.push(`StartTime >= ${literal(query.startedSince.toISOString())}`);
  if (query.closed) clauses.push(`CloseTime > ${literal(query.closed.after)} AND CloseTime <= ${literal(query.closed.until)}`);
  return clauses.join(' AND ');
}

/** A double-quoted string literal with quotes and backslashes escaped (the visibility grammar is SQL-like). */
function literal(value: string): string {
  return JSON.stringify(value);
}
