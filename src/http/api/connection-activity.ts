import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Plan, PlanStep, RunSummary } from '../../../workflows/plan';
import type { Database } from '../../store/schema';
import { runsQuery } from '../../temporal/run-query';

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

/**
 * A connection's recent calls and errors, derived from runs (Temporal visibility and each run's
 * own summary), never from a second copy: the latest `limit` runs that use the connection, and in
 * each the action steps bound to it.
 */
export function connectionActivity(client: Client, db: Kysely<Database>) {
  const planCache = new Map<string, Promise<Plan | undefined>>();
  const planOf = (recipeId: string, version: string) => {
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

  return async (connectionId: string, limit: number): Promise<ActivityEntry[]> => {
    const query = runsQuery({ connectionId });
    const entries: ActivityEntry[] = [];
    let seen = 0;
    for await (const run of client.workflow.list({ query, pageSize: limit })) {
      if (seen++ >= limit) break;
      const summary = await summaryOf(client, run.workflowId, run.runId, run.status.name === 'RUNNING');
      if (!summary) continue;
      const plan = await planOf(summary.recipeId, summary.version);
      const steps = plan ? actionStepsUsing(plan.steps, connectionId) : [];
      for (const step of steps) {
        const state = summary.steps[step.id];
        if (!state || state.status === 'pending' || state.status === 'skipped') continue;
        entries.push({
          runId: run.workflowId,
          recipeId: summary.recipeId,
          startedAt: run.startTime.toISOString(),
          closedAt: run.closeTime?.toISOString() ?? null,
          runStatus: summary.status,
          stepId: step.id,
          action: step.activityType,
          status: state.status,
          attempts: state.attempts ?? null,
          error: state.error ? { kind: state.error.kind, message: state.error.message } : null,
        });
      }
    }
    return entries;
  };
}

/** The run's summary: its state query while running, its result (or the failure's details) once closed. */
async function summaryOf(client: Client, workflowId: string, runId: string, running: boolean): Promise<RunSummary | undefined> {
  const handle = client.workflow.getHandle(workflowId, runId);
  try {
    return running ? await handle.query<RunSummary>('state') : ((await handle.result()) as RunSummary);
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) return err.cause.details?.[0] as RunSummary | undefined;
    return undefined;
  }
}

function actionStepsUsing(steps: PlanStep[], connectionId: string): Extract<PlanStep, { kind: 'action' }>[] {
  return steps.flatMap((step) => {
    switch (step.kind) {
      case 'action':
        return step.connection === connectionId ? [step] : [];
      case 'branch':
        return [...step.cases.flatMap((c) => actionStepsUsing(c.steps, connectionId)), ...actionStepsUsing(step.else ?? [], connectionId)];
      case 'forEach':
        return actionStepsUsing(step.steps, connectionId);
      default:
        return [];
    }
  });
}
