import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Plan, PlanStep, RunSummary } from '../../../workflows/plan';
import type { Database } from '../../store/schema';
import { runsQuery } from '../../temporal/run-query';
import { listRunsPage } from './run-listing';

/** One call a run made (or is waiting to make) through the connection. */
export interface ActivityEntry {
  runId: string;
  recipeId: string;
  startedAt: string;
  closedAt: string | null;
  runStatus: string;
  stepId: string;
  action: string;
  status: string;
  attempts: number | null;
  error: { kind: string; message: string } | null;
}

/** One call to a vendor in a run, on any connection (the integration logs' vendor-calls view). */
export interface VendorCall extends ActivityEntry {
  connectionId: string;
}

/** The recipe versions' plans, each read once per answer. */
function planReader(db: Kysely<Database>) {
  const planCache = new Map<string, Promise<Plan | undefined>>();
  return (recipeId: string, version: string) => {
    const key = `${recipeId}\u0000${version}`;
    if (!planCache.has(key)) {
      planCache.set(
        key,
        db
          .selectFrom('recipe_versions')
          .select('plan_json')
          .where('recipe_id', '=', recipeId)
          .where('hash', '=', version)
          .executeTakeFirst()
          .then((row) => (row ? (JSON.parse(row.plan_json) as Plan) : undefined)),
      );
    }
    return planCache.get(key)!;
  };
}

/** A run as visibility lists it. */
interface ListedRun {
  workflowId: string;
  runId: string;
  running: boolean;
  startTime: Date;
  closeTime?: Date;
}

/** The action steps of one run that call through `connectionId` (any connection when undefined), as they stand in the run's own summary. */
async function callsOf(client: Client, planOf: ReturnType<typeof planReader>, run: ListedRun, connectionId: string | undefined): Promise<VendorCall[]> {
  const summary = await summaryOf(client, run.workflowId, run.runId, run.running);
  if (!summary) return [];
  const plan = await planOf(summary.recipeId, summary.version);
  const steps = plan ? actionStepsUsing(plan.steps, connectionId) : [];
  return steps.flatMap((step) => {
    const state = summary.steps[step.id];
    if (!state || state.status === 'pending' || state.status === 'skipped') return [];
    return [
      {
        runId: run.workflowId,
        recipeId: summary.recipeId,
        connectionId: step.connection,
        startedAt: run.startTime.toISOString(),
        closedAt: run.closeTime?.toISOString() ?? null,
        runStatus: summary.status,
        stepId: step.id,
        action: step.activityType,
        status: state.status,
        attempts: state.attempts ?? null,
        error: state.error ? { kind: state.error.kind, message: state.error.message } : null,
      },
    ];
  });
}

/**
 * A connection's recent calls and errors, derived from runs (Temporal visibility and each run's
 * own summary), never from a second copy: the latest `limit` runs that use the connection, and in
 * each the action steps bound to it.
 */
export function connectionActivity(client: Client, db: Kysely<Database>) {
  const planOf = planReader(db);
  return async (connectionId: string, limit: number): Promise<ActivityEntry[]> => {
    const query = runsQuery({ connectionId });
    const entries: ActivityEntry[] = [];
    let seen = 0;
    for await (const run of client.workflow.list({ query, pageSize: limit })) {
      if (seen++ >= limit) break;
      const calls = await callsOf(client, planOf, { workflowId: run.workflowId, runId: run.runId, running: run.status.name === 'RUNNING', startTime: run.startTime, closeTime: run.closeTime }, connectionId);
      entries.push(...calls.map(({ connectionId: _, ...entry }) => entry));
    }
    return entries;
  };
}

/**
 * Vendor calls across runs, a page of runs at a time (Temporal visibility: open runs, then the most
 * recently closed; `connection` narrows to runs using it, `since` to runs started at or after it).
 * The same derivation as `connectionActivity`: nothing is copied out of the runs.
 */
export function vendorCalls(client: Client, db: Kysely<Database>) {
  const planOf = planReader(db);
  return async (filters: { connection?: string; since?: string }, runsPerPage: number, cursor: string | undefined): Promise<{ entries: VendorCall[]; nextCursor: string | null }> => {
    const page = await listRunsPage(client, { since: filters.since }, runsPerPage, cursor, filters.connection);
    const entries: VendorCall[] = [];
    for (const run of page.runs) {
      const running = run.status === 'running' || run.status === 'waiting';
      entries.push(...(await callsOf(client, planOf, { workflowId: run.runId, runId: run.temporalRunId, running, startTime: new Date(run.startedAt), closeTime: run.closedAt ? new Date(run.closedAt) : undefined }, filters.connection)));
    }
    return { entries, nextCursor: page.nextCursor };
  };
}

/** How long one run may take to answer: a running run whose worker is gone must not stall a log page. */
const summaryDeadlineMs = 5_000;

/** The run's summary: its state query while running, its result (or the failure's details) once closed; undefined when it does not answer in time. */
async function summaryOf(client: Client, workflowId: string, runId: string, running: boolean): Promise<RunSummary | undefined> {
  const handle = client.workflow.getHandle(workflowId, runId);
  try {
    return await client.withDeadline(Date.now() + summaryDeadlineMs, async () => (running ? await handle.query<RunSummary>('state') : ((await handle.result()) as RunSummary)));
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) return err.cause.details?.[0] as RunSummary | undefined;
    return undefined;
  }
}

/** The action steps calling through `connectionId`; any connection when undefined. */
function actionStepsUsing(steps: PlanStep[], connectionId: string | undefined): (Extract<PlanStep, { kind: 'action' }> & { connection: string })[] {
  return steps.flatMap((step) => {
    switch (step.kind) {
      case 'action': {
        const connection = step.connection;
        return connection !== null && (connectionId === undefined || connection === connectionId) ? [{ ...step, connection }] : [];
      }
      case 'branch':
        return [...step.cases.flatMap((c) => actionStepsUsing(c.steps, connectionId)), ...actionStepsUsing(step.else ?? [], connectionId)];
      case 'forEach':
        return actionStepsUsing(step.steps, connectionId);
      default:
        return [];
    }
  });
}
