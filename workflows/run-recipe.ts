import {
  ApplicationFailure,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import { evaluateLogic, isTruthy } from './expr/logic';
import { forEachChunk } from './for-each-chunk';
import { Interpreter, type Scope } from './interpreter';
import { approvalSignal, connectionRestoredSignal, resumeSignal, stateQuery } from './messages';
import { recipeRunFailedType, type Plan, type PlanStep, type RunEvent, type RunResume, type RunStatusValue, type RunSummary, type StepState } from './plan';
import { ConnectionIds, RecipeId, RecipeVersion, RunStatus, TriggerEvent } from './search-attributes';
import { chunkWorkflowId, Inbox, temporalRuntime } from './temporal-runtime';
import { withTriggerPayload } from './trigger-payload';

export interface RunRecipeInput {
  plan: Plan;
  event: RunEvent;
  /** Set when this run retries a failed one from its failed step (`src/engine/retry-run.ts`). */
  resume?: RunResume;
  /** How long a step waits for a paused or disconnected connection (SWITCHYARD_CONNECTION_WAIT_LIMIT); 72 h when absent. */
  connectionWaitMs?: number;
  /**
   * `execution` (every run started since it exists, `newRunInput`): RunStatus tells only an open
   * run's state (running or waiting); how a run ended is Temporal's ExecutionStatus, which the
   * listings read for closed runs, so closing upserts nothing (an upsert is one more visibility
   * write on the server per run). Absent (runs started before): the run upserts its closing
   * status, as its history records.
   */
  closingStatus?: 'execution';
}

/**
 * History budget (tested): a run has 5 fixed events (started, first workflow task, one
 * search-attribute upsert at start — none when the starter set them —, completed; runs started
 * without `closingStatus` upsert their closing status too) plus 6 per action step
 * (activity scheduled/started/completed and the workflow task that follows). Conditions and
 * templates add none; every running↔waiting transition adds one upsert.
 *
 * Interprets a compiled plan for one event. The plan is the workflow input, so a run is pinned
 * to the recipe version it started with. Conditions and templates evaluate in the workflow
 * (no history events); each action step is one activity named "<connector>.<action>".
 */
export async function runRecipe({ plan, event, resume, connectionWaitMs, closingStatus }: RunRecipeInput): Promise<RunSummary> {
  const info = workflowInfo();
  const inbox = new Inbox();
  const activeChunks = new Set<string>();
  const summary: RunSummary = { recipeId: plan.recipeId, version: plan.version, status: 'running', steps: {} };

  let lastStatus: string | undefined = info.typedSearchAttributes.get(RunStatus);
  const setStatus = (status: RunStatusValue) => {
    summary.status = status;
    const open = status === 'running' || status === 'waiting';
    if (status !== lastStatus && (open || closingStatus !== 'execution')) {
      upsertSearchAttributes([{ key: RunStatus, value: status }]);
      lastStatus = status;
    }
  };

  const interpreter = new Interpreter({
    runtime: temporalRuntime({
      inbox,
      connectionWaitMs,
      keyRun: resume?.effectsOf,
      onStateChange: () => {
        if (summary.status === 'running' || summary.status === 'waiting') {
          setStatus(Object.values(interpreter.states).some((s) => s.status === 'waiting') ? 'waiting' : 'running');
        }
      },
      startChunk: async (step, items, offset, scope) => {
        const workflowId = chunkWorkflowId(info.workflowId, step.id, offset);
        activeChunks.add(workflowId);
        try {
          return await executeChild(forEachChunk, {
            workflowId,
            args: [{ recipeId: plan.recipeId, version: plan.version, step, items, offset, scope, connectionWaitMs, ...(resume?.effectsOf ? { keyRun: chunkWorkflowId(resume.effectsOf, step.id, offset) } : {}) }],
          });
        } finally {
          activeChunks.delete(workflowId);
        }
      },
    }),
  });
  summary.steps = interpreter.states;
  if (resume) summary.retryOf = resume.retryOf;

  setHandler(stateQuery, () => summary);
  setHandler(approvalSignal, (decision) => void inbox.approvals.push(decision));
  setHandler(resumeSignal, (resume) => void inbox.resumes.push(resume));
  setHandler(connectionRestoredSignal, async ({ connectionId }) => {
    inbox.restored.set(connectionId, (inbox.restored.get(connectionId) ?? 0) + 1);
    for (const id of activeChunks) {
      try {
        await getExternalWorkflowHandle(id).signal(connectionRestoredSignal, { connectionId });
      } catch {
        // The chunk finished meanwhile: nothing waits there any more.
      }
    }
  });

  upsertStartAttributes(plan, event);
  lastStatus = 'running';
  interpreter.initialise(plan.steps);
  summary.status = 'running';

  const scope: Scope = {
    trigger: triggerOf(await withTriggerPayload(plan, event)),
    steps: {},
    run: { id: info.workflowId, recipeId: plan.recipeId, version: plan.version, startedAt: info.startTime.toISOString(), eventId: event.id },
  };
  const steps = resume ? retainSteps(resume, plan, interpreter.states, scope) : plan.steps;

  // The ingress matched already; checking again keeps a run correct if started by other means.
  if (plan.when !== undefined && !isTruthy(evaluateLogic(plan.when, scope))) {
    for (const id of Object.keys(summary.steps)) summary.steps[id] = { status: 'skipped' };
    summary.skipped = true;
    setStatus('succeeded');
    return summary;
  }

  let ok: boolean;
  try {
    ok = await interpreter.run(steps, scope);
  } catch (err) {
    // A cancelled run is listed as such (the upsert is allowed while the cancellation unwinds).
    if (isCancellation(err)) setStatus('cancelled');
    throw err;
  }
  if (!ok && interpreter.failure) {
    summary.error = interpreter.failure;
    setStatus('failed');
    throw ApplicationFailure.create({
      type: recipeRunFailedType,
      nonRetryable: true,
      message: `step ${interpreter.failure.stepId} failed: ${interpreter.failure.kind}: ${interpreter.failure.message}`,
      details: [summary],
    });
  }
  setStatus('succeeded');
  return summary;
}

/**
 * A retry: the steps before `resume.fromStepId` keep their states and outputs from the failed run
 * (no activity, no side effect again); returns the steps still to run.
 */
function retainSteps(resume: RunResume, plan: Plan, states: Record<string, StepState>, scope: Scope): PlanStep[] {
  const from = plan.steps.findIndex((s) => s.id === resume.fromStepId);
  if (from < 0) {
    throw ApplicationFailure.create({ type: 'InvalidResume', nonRetryable: true, message: `retry starts at step ${resume.fromStepId}, which the plan does not have` });
  }
  for (const [id, state] of Object.entries(resume.steps)) {
    if (!(id in states)) continue;
    states[id] = state;
    if ('output' in state) scope.steps[id] = state.output;
  }
  return plan.steps.slice(from);
}

const scheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** The trigger context: the event as sent; a scheduled run gets the time it was scheduled for. */
function triggerOf(event: RunEvent): unknown {
  if (event.source !== 'schedule') return event.payload;
  const info = workflowInfo();
  const at = info.typedSearchAttributes.get(scheduledStartTime) ?? info.startTime;
  return { ...(event.payload as Record<string, unknown>), scheduledAt: at.toISOString() };
}

/** Sets the listing attributes once, skipping values the starter already set (each upsert is a history event). */
function upsertStartAttributes(plan: Plan, event: RunEvent): void {
  const current = workflowInfo().typedSearchAttributes;
  const wanted: SearchAttributeUpdatePair[] = [
    { key: RecipeId, value: plan.recipeId },
    { key: RecipeVersion, value: plan.version },
    { key: TriggerEvent, value: event.topic },
  ];
  if (plan.connections.length > 0) wanted.push({ key: ConnectionIds, value: plan.connections });
  const missing = wanted.filter((pair) => JSON.stringify(current.get(pair.key as never)) !== JSON.stringify(pair.value));
  if (current.get(RunStatus) !== 'running') missing.push({ key: RunStatus, value: 'running' });
  // The ingress sets all of them at start: then this costs no history event at all.
  if (missing.length > 0) upsertSearchAttributes(missing);
}
