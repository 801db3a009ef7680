import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { RunStartSettings } from './start-runs';
import { runStartAttributes } from '../../workflows/search-attributes';
import { newRunInput, runRecipeWorkflowType, type Plan, type RunEvent } from '../../workflows/plan';

export const scheduleIdOf = (recipeId: string) => `schedule/${recipeId}`;
export const pollerIdOf = (recipeId: string) => `poll/${recipeId}`;

/** The event a scheduled run starts from; runRecipe adds `scheduledAt` to the trigger. */
function scheduleEvent(plan: Plan): RunEvent {
  const t = plan.trigger;
  return { id: 'schedule', topic: 'schedule', source: 'schedule', receivedAt: '', payload: t.type === 'schedule' ? { cron: t.cron, timezone: t.timezone } : {} };
}

export type RecipeTriggerChange = { schedule: 'created' | 'updated' | 'deleted' | 'none'; poller: 'started' | 'updated' | 'stopped' | 'none' };

/**
 * Keeps a recipe's Temporal-side trigger in line with its current plan; call it after every
 * apply, enable/disable and delete (plan undefined). Schedule recipes own a Temporal Schedule
 * `schedule/<id>` (paused while disabled); poll recipes own a long-lived `pollRecipe` workflow
 * `poll/<id>` that receives each new plan as a signal (paused while disabled; the cursor survives
 * both). Other trigger types own neither, and leftovers of an earlier version are removed.
 */
export async function applyRecipeTrigger(client: Client, taskQueue: string, recipeId: string, plan: Plan | undefined, settings: RunStartSettings = {}): Promise<RecipeTriggerChange> {
  const result: RecipeTriggerChange = { schedule: 'none', poller: 'none' };
  const schedule = client.schedule.getHandle(scheduleIdOf(recipeId));
  if (plan?.trigger.type === 'schedule') {
    const spec = { cronExpressions: [plan.trigger.cron], timezone: plan.trigger.timezone };
    const action = {
      type: 'startWorkflow' as const,
      workflowType: runRecipeWorkflowType,
      taskQueue,
      // Temporal appends the scheduled time: one run id per firing.
      workflowId: `run/${recipeId}/scheduled`,
      args: [{ plan, event: scheduleEvent(plan), ...settings, ...newRunInput }],
      typedSearchAttributes: new TypedSearchAttributes(runStartAttributes(plan, 'schedule')),
    };
    try {
      await schedule.update((previous) => ({ ...previous, spec, action }));
      result.schedule = 'updated';
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      await client.schedule.create({ scheduleId: scheduleIdOf(recipeId), spec, action, state: { paused: !plan.enabled, note: `recipe ${recipeId} v${plan.version}` } });
      result.schedule = 'created';
    }
    const paused = (await schedule.describe()).state.paused;
    if (paused && plan.enabled) await schedule.unpause(`recipe ${recipeId} enabled`);
    if (!paused && !plan.enabled) await schedule.pause(`recipe ${recipeId} disabled`);
  } else {
    try {
      await schedule.delete();
      result.schedule = 'deleted';
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }

  if (plan?.trigger.type === 'poll') {
    const running = await isRunning(client, pollerIdOf(recipeId));
    await client.workflow.signalWithStart('pollRecipe', {
      workflowId: pollerIdOf(recipeId),
      taskQueue,
      args: [{ plan, ...settings }],
      signal: 'pollerPlan',
      signalArgs: [plan],
    });
    result.poller = running ? 'updated' : 'started';
  } else if (await isRunning(client, pollerIdOf(recipeId))) {
    await client.workflow.getHandle(pollerIdOf(recipeId)).signal('pollerStop');
    result.poller = 'stopped';
  }
  return result;
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
