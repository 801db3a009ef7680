import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { nonRetryableFailureTypes } from './activity-contract';
import { runWorkflowIdPure } from './expr/sha256';
import { newRunInput, type Plan, type RunEvent } from './plan';
import { runRecipe } from './run-recipe';
import { runStartAttributes } from './search-attributes';

/** Argument of the `pollTrigger` activity (activities/poll-trigger.ts). */
interface PollTriggerInput {
  trigger: string;
  connectionId: string | null;
  input: unknown;
  cursor: string | null;
}
interface PollResult {
  items: { dedupeKey: string; item: unknown }[];
  cursor: string | null;
}

export interface PollRecipeInput {
  plan: Plan;
  /** Carried across continue-as-new and recipe edits. */
  cursor?: string | null;
  /** Recently started dedupe keys (bounded), a second guard next to the run's workflow id. */
  seen?: string[];
  paused?: boolean;
  /** Handed to every run it starts (SWITCHYARD_CONNECTION_WAIT_LIMIT when the poller was started); 72 h when absent. */
  connectionWaitMs?: number;
}

export interface PollerState {
  recipeId: string;
  version: string;
  paused: boolean;
  cursor: string | null;
  polls: number;
  started: number;
  lastError?: string;
}

/** Names are public contracts (histories): never change their shape in place. */
export const pollerPlanSignal = defineSignal<[Plan]>('pollerPlan');
export const pollerPausedSignal = defineSignal<[boolean]>('pollerPaused');
export const pollerStopSignal = defineSignal('pollerStop');
export const pollerStateQuery = defineQuery<PollerState>('pollerState');

/** Polls before continue-as-new: keeps each execution's history small. */
const pollsPerExecution = 200;
const seenLimit = 2000;

/**
 * One long-lived workflow per poll recipe (id `poll/<recipeId>`): calls the connector's polling
 * trigger every `every`, starts one runRecipe per new item with the same hashed workflow id
 * scheme as the ingress (REJECT_DUPLICATE), so an item is never started twice — also across
 * pause/resume (disable/enable: the cursor is kept) and recipe edits (a new plan arrives as a
 * signal; the cursor is kept unless the trigger itself changed).
 */
export async function pollRecipe(input: PollRecipeInput): Promise<PollerState> {
  let plan = input.plan;
  const state: PollerState = { recipeId: plan.recipeId, version: plan.version, paused: input.paused ?? !plan.enabled, cursor: input.cursor ?? null, polls: 0, started: 0 };
  const seen = new Set(input.seen ?? []);
  let stop = false;
  let wake = false;

  setHandler(pollerStateQuery, () => state);
  setHandler(pollerStopSignal, () => {
    stop = true;
  });
  setHandler(pollerPausedSignal, (paused) => {
    state.paused = paused;
    wake = true;
  });
  setHandler(pollerPlanSignal, (next) => {
    const a = plan.trigger;
    const b = next.trigger;
    if (a.type !== 'poll' || b.type !== 'poll' || a.trigger !== b.trigger || a.connection !== b.connection || JSON.stringify(a.input ?? {}) !== JSON.stringify(b.input ?? {})) {
      state.cursor = null; // another source: the old cursor means nothing there
    }
    plan = next;
    state.version = next.version;
    state.paused = !next.enabled;
    wake = true;
  });

  const { pollTrigger } = proxyActivities<{ pollTrigger(i: PollTriggerInput): Promise<PollResult> }>({
    startToCloseTimeout: '2m',
    retry: { maximumAttempts: 3, initialInterval: '5s', backoffCoefficient: 2, nonRetryableErrorTypes: [...nonRetryableFailureTypes] },
  });

  while (!stop && state.polls < pollsPerExecution) {
    if (state.paused) {
      await condition(() => stop || !state.paused);
      continue;
    }
    const trigger = plan.trigger;
    if (trigger.type !== 'poll') break;
    state.polls++;
    try {
      const result = await pollTrigger({ trigger: trigger.trigger, connectionId: trigger.connection, input: trigger.input ?? {}, cursor: state.cursor });
      for (const { dedupeKey, item } of result.items) {
        if (seen.has(dedupeKey)) continue;
        await startRun(plan, input.connectionWaitMs, { id: dedupeKey, topic: trigger.trigger, source: `poll:${trigger.connection}`, receivedAt: new Date().toISOString(), payload: item });
        seen.add(dedupeKey);
        state.started++;
      }
      state.cursor = result.cursor;
      delete state.lastError;
    } catch (err) {
      if (isCancellation(err)) throw err;
      // The next poll retries from the same cursor; the error is visible in the state query.
      state.lastError = err instanceof Error ? err.message : String(err);
      log.warn('poll failed', { recipeId: plan.recipeId, error: state.lastError });
    }
    wake = false;
    await condition(() => stop || wake, trigger.everyMs);
  }
  if (stop || plan.trigger.type !== 'poll') return state;
  return continueAsNew<typeof pollRecipe>({ plan, cursor: state.cursor, seen: [...seen].slice(-seenLimit), paused: state.paused, connectionWaitMs: input.connectionWaitMs });
}

async function startRun(plan: Plan, connectionWaitMs: number | undefined, event: RunEvent): Promise<void> {
  try {
    await startChild(runRecipe, {
      workflowId: runWorkflowIdPure(plan.recipeId, event.source, event.id),
      args: [connectionWaitMs === undefined ? { plan, event, ...newRunInput } : { plan, event, connectionWaitMs, ...newRunInput }],
      // Runs outlive the poller's continue-as-new, pause and stop.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: runStartAttributes(plan, event.topic),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return; // this item already has its run
    throw err;
  }
}
