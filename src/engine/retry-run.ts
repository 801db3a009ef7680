import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { newRunInput, recipeRunFailedType, type Plan, type PlanStep, type RunResume, type RunSummary, type StepState } from '../../workflows/plan';
import type { RunRecipeInput } from '../../workflows/run-recipe';
import type { RecipeStore } from '../store/recipes';
import { runStartAttributes } from '../../workflows/search-attributes';
import { runRecipeWorkflowType } from '../temporal/run-query';
import { Refusal } from '../refusal';

type RetryFrom = 'failed' | 'start';

export interface RetryRunOptions {
  /** Workflow id of the failed run. */
  runId: string;
  from: RetryFrom;
  taskQueue: string;
  /** Where the recipe's current (fixed) plan comes from. */
  recipes: RecipeStore;
  /** SWITCHYARD_CONNECTION_WAIT_LIMIT; the original run's limit when absent. */
  connectionWaitMs?: number;
  /** The client's Idempotency-Key and a digest of its (parsed) request body; see `keyedRetryId`. */
  idempotency?: { key: string; requestDigest: string };
}

export interface RetryRunResult {
  runId: string;
  retryOf: string;
  from: RetryFrom;
  /** The top-level step the new run starts at. */
  fromStepId: string;
  /** True when an Idempotency-Key repeat found the retry its first request started. */
  replayed?: boolean;
}

/** Why a run cannot be retried. */
export class RetryRunError extends Refusal {
  override name = 'RetryRunError';
}

const retrySuffix = /-retry-(?:(\d+)|k[0-9a-f]{16})$/;

/**
 * The workflow id of the retry an Idempotency-Key asks for: derived from the key and the retried
 * run, so a repeated request maps onto the same workflow id and Temporal's id uniqueness (REJECT_DUPLICATE,
 * for as long as the namespace retains the run — at least a day) guarantees one retry per key and run.
 */
export function keyedRetryId(runId: string, key: string): string {
  const digest = createHash('sha256').update(`${runId}\n${key}`).digest('hex').slice(0, 16);
  return `${runId.replace(retrySuffix, '')}-retry-k${digest}`;
}

/** What a keyed retry records in its memo so a repeat can answer the same and spot a changed body. */
interface KeyedRetryMemo {
  retryOf: string;
  retryFrom: RetryFrom;
  retryFromStep: string;
  idempotencyRequest: string;
}

/** The answer of an earlier request with the same key for this run, or undefined when there was none. */
async function keyedRetryAnswer(client: Client, workflowId: string, runId: string, requestDigest: string): Promise<RetryRunResult | undefined> {
  let memo: Partial<KeyedRetryMemo> | undefined;
  try {
    memo = (await client.workflow.getHandle(workflowId).describe()).memo;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  if (memo?.idempotencyRequest !== requestDigest) {
    throw new RetryRunError('invalid', 'idempotency_key_reused', `Idempotency-Key was already used to retry run ${runId} with a different body; send a new key for a different request`, {
      header: 'Idempotency-Key',
      retry: workflowId,
    });
  }
  return { runId: workflowId, retryOf: memo.retryOf ?? runId, from: memo.retryFrom ?? 'failed', fromStepId: memo.retryFromStep ?? '', replayed: true };
}

/**
 * Retries a failed run as a new run of the recipe's current plan (the fixed recipe) for the same
 * event. From `failed`: the top-level steps before the failed one keep their states and outputs
 * from the failed run and are not run again (no second side effect); the new run starts at the
 * failed top-level step. From `start`: everything runs again. The new run's id is the original's
 * plus `-retry-<n>` (`-retry-k<digest>` with an Idempotency-Key); its memo and summary name the run
 * it retries. A key already used for this run answers with that retry (same body) or a 422.
 */
export async function retryRun(client: Client, opts: RetryRunOptions): Promise<RetryRunResult> {
  try {
    return await startRetry(client, opts);
  } catch (err) {
    // Every refusal names the run it refused.
    if (err instanceof RetryRunError) throw new RetryRunError(err.reason, err.code, err.message, { runId: opts.runId, ...err.details });
    throw err;
  }
}

async function startRetry(client: Client, opts: RetryRunOptions): Promise<RetryRunResult> {
  const { runId, from, idempotency } = opts;
  const keyedId = idempotency && keyedRetryId(runId, idempotency.key);
  if (keyedId) {
    const earlier = await keyedRetryAnswer(client, keyedId, runId, idempotency.requestDigest);
    if (earlier) return earlier;
  }
  const handle = client.workflow.getHandle(runId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new RetryRunError('not_found', 'not_found', `run ${runId} does not exist`);
    throw err;
  }
  if (description.type !== runRecipeWorkflowType) throw new RetryRunError('not_found', 'not_found', `run ${runId} does not exist`);
  if (description.status.name !== 'FAILED') {
    throw new RetryRunError('conflict', 'run_not_failed', `run ${runId} is ${description.status.name.toLowerCase()}; only failed runs can be retried`, { status: description.status.name });
  }

  const original = await startInput(client, runId, description.runId);
  const stored = await opts.recipes.get<Plan>(original.plan.recipeId);
  if (!stored) throw new RetryRunError('conflict', 'recipe_gone', `recipe ${original.plan.recipeId} no longer exists; run ${runId} cannot be retried`);
  const plan = stored.plan;
  const firstStep = plan.steps[0]?.id;
  if (!firstStep) throw new RetryRunError('conflict', 'recipe_empty', `recipe ${plan.recipeId} has no steps`);

  let resume: RunResume = { retryOf: runId, fromStepId: firstStep, steps: {} };
  // From the failed step the retry keeps the step keys of the chain's first run, so the side-effect
  // ledger finds what the failed step's earlier attempts did; from the start everything is new.
  if (from === 'failed') resume = { ...resumeAtFailedStep(runId, original.plan, plan, await failedSummary(handle, runId)), effectsOf: original.resume?.effectsOf ?? runId };

  const input: RunRecipeInput = { plan, event: original.event, resume, ...newRunInput };
  const connectionWaitMs = opts.connectionWaitMs ?? original.connectionWaitMs;
  if (connectionWaitMs !== undefined) input.connectionWaitMs = connectionWaitMs;

  const start = (workflowId: string, memo: Record<string, unknown>) =>
    client.workflow.start(runRecipeWorkflowType, {
      taskQueue: opts.taskQueue,
      workflowId,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [input],
      memo,
      typedSearchAttributes: new TypedSearchAttributes(runStartAttributes(plan, original.event.topic)),
    });
  const started: RetryRunResult = { runId: keyedId ?? '', retryOf: runId, from, fromStepId: resume.fromStepId };

  if (keyedId) {
    const memo: KeyedRetryMemo = { retryOf: runId, retryFrom: from, retryFromStep: resume.fromStepId, idempotencyRequest: idempotency.requestDigest };
    try {
      await start(keyedId, { ...memo });
      return started;
    } catch (err) {
      // A concurrent request with the same key won the start: answer as it did.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const earlier = await keyedRetryAnswer(client, keyedId, runId, idempotency.requestDigest);
      if (earlier) return earlier;
      throw err;
    }
  }

  const root = runId.replace(retrySuffix, '');
  let n = Number(retrySuffix.exec(runId)?.[1] ?? 0);
  for (let tries = 0; tries < 100; tries++) {
    const workflowId = `${root}-retry-${++n}`;
    try {
      await start(workflowId, { retryOf: runId, retryFrom: from });
      return { ...started, runId: workflowId };
    } catch (err) {
      // An earlier retry took this number: take the next.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  throw new RetryRunError('conflict', 'too_many_retries', `run ${root} has been retried 100 times`);
}

/** The failed run's own input (plan pinned at its start, the event, its wait limit), from the first history event. */
async function startInput(client: Client, workflowId: string, runId: string): Promise<RunRecipeInput> {
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const started = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const [input] = await decodeArrayFromPayloads(client.options.loadedDataConverter, started?.input?.payloads);
  if (!input) throw new Error(`run ${workflowId} has no start input`);
  return input as RunRecipeInput;
}

/** The summary a failed run carries in its failure details. */
async function failedSummary(handle: ReturnType<Client['workflow']['getHandle']>, runId: string): Promise<RunSummary> {
  try {
    await handle.result();
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === recipeRunFailedType) {
      const summary = cause.details?.[0] as RunSummary | undefined;
      if (summary?.error) return summary;
    }
  }
  throw new RetryRunError('conflict', 'no_failed_step', `run ${runId} did not fail at a step; retry it from the start`, { suggestion: { from: 'start' } });
}

/**
 * Resume point of a retry from the failed step: the failed step's top-level ancestor in the
 * original plan. The current plan must have the same steps (ids and kinds, nested included) before
 * it, or the kept outputs would belong to steps that changed.
 */
export function resumeAtFailedStep(runId: string, original: Plan, current: Plan, summary: RunSummary): RunResume {
  const failedId = summary.error!.stepId;
  const index = original.steps.findIndex((s) => flatten([s]).some((n) => n.id === failedId));
  if (index < 0) throw new RetryRunError('conflict', 'no_failed_step', `run ${runId} failed at step ${failedId}, which its plan does not have; retry it from the start`, { suggestion: { from: 'start' } });
  const fromStepId = original.steps[index]!.id;
  const before = flatten(original.steps.slice(0, index));
  const currentIndex = current.steps.findIndex((s) => s.id === fromStepId);
  if (currentIndex < 0) {
    throw new RetryRunError('conflict', 'recipe_changed', `step ${fromStepId} (where run ${runId} failed) is no longer in recipe ${current.recipeId}; retry from the start`, {
      stepId: fromStepId,
      suggestion: { from: 'start' },
    });
  }
  const nowBefore = flatten(current.steps.slice(0, currentIndex));
  for (let i = 0; i < Math.max(before.length, nowBefore.length); i++) {
    const was = before[i];
    const is = nowBefore[i];
    if (was?.id === is?.id && was?.kind === is?.kind) continue;
    const stepId = was?.id ?? is!.id;
    const what = !is
      ? `step ${was!.id} was removed`
      : !was
        ? `step ${is.id} was added`
        : was.id !== is.id
          ? `step ${was.id} is now step ${is.id}`
          : `step ${was.id} changed from ${was.kind} to ${is.kind}`;
    throw new RetryRunError('conflict', 'recipe_changed', `${what} before the failed step ${fromStepId} since run ${runId}; kept outputs would not fit — retry from the start`, {
      stepId,
      suggestion: { from: 'start' },
    });
  }
  const steps: Record<string, StepState> = {};
  for (const step of before) {
    const state = summary.steps[step.id];
    if (state) steps[step.id] = state;
  }
  return { retryOf: runId, fromStepId, steps };
}

/** Steps and their nested steps, in order (forEach bodies have no per-step state, so they are left out). */
function flatten(steps: PlanStep[]): PlanStep[] {
  return steps.flatMap((step) => (step.kind === 'branch' ? [step, ...step.cases.flatMap((c) => flatten(c.steps)), ...flatten(step.else ?? [])] : [step]));
}
