import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { newRunInput, type Plan, type RunEvent } from '../../workflows/plan';
import type { RunRecipeInput } from '../../workflows/run-recipe';
import type { Config } from '../config/config';
import { eventHash, runWorkflowId as runIdFor } from '../recipe/run-id';
import { runStartAttributes } from '../../workflows/search-attributes';
import { runRecipeWorkflowType } from '../temporal/run-query';

export type StartOutcome = { recipeId: string; workflowId: string; status: 'started' | 'duplicate' };

export { eventHash };

/** Engine settings every run carries in its input (a run keeps those it started with). */
export type RunStartSettings = Pick<RunRecipeInput, 'connectionWaitMs'>;

export function runStartSettings(config: Pick<Config, 'SWITCHYARD_CONNECTION_WAIT_LIMIT'>): RunStartSettings {
  return { connectionWaitMs: config.SWITCHYARD_CONNECTION_WAIT_LIMIT };
}

/** Stable per recipe and event, so a redelivered event maps onto the run it already started. */
export function runWorkflowId(recipeId: string, event: Pick<RunEvent, 'source' | 'id'>): string {
  return runIdFor(recipeId, event.source, event.id);
}

/**
 * Starts one `runRecipe` per matching plan. Resolves only once Temporal accepted every start
 * (or already had it); rejects if any start could not be made durable, so the caller answers 503.
 */
export async function startRuns(client: Client, taskQueue: string, plans: Plan[], event: RunEvent, settings: RunStartSettings = {}): Promise<StartOutcome[]> {
  return Promise.all(
    plans.map(async (plan): Promise<StartOutcome> => {
      const workflowId = runWorkflowId(plan.recipeId, event);
      try {
        await client.workflow.start(runRecipeWorkflowType, {
          taskQueue,
          workflowId,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [{ plan, event, ...settings, ...newRunInput } satisfies RunRecipeInput],
          typedSearchAttributes: new TypedSearchAttributes(runStartAttributes(plan, event.topic)),
        });
        return { recipeId: plan.recipeId, workflowId, status: 'started' };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { recipeId: plan.recipeId, workflowId, status: 'duplicate' };
        throw err;
      }
    }),
  );
}
