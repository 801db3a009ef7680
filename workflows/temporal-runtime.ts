import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { ActionActivityInput } from './activity-contract';
import { FailureType, isActionActivityResult } from './activity-contract';
import { formatDuration } from './duration';
import { StepFailure, type ForEachChunkResult, type Runtime, type Scope, type ActionCall } from './interpreter';
import type { ApprovalDecision, ResumePayload } from './messages';
import type { ActionPlanStep, ForEachPlanStep, PlanRetryPolicy, WaitForPlanStep } from './plan';

/** How long a step waits for a disconnected or paused connection before it fails, unless the run's input says otherwise. */
const defaultConnectionWaitMs = 72 * 3_600_000;
/**
 * A local activity's retry waits in the worker only when its backoff is this short; a longer one
 * (a later backoff, a vendor's Retry-After of minutes) is a server timer, so no worker holds it and
 * the time-skipping test server can skip it.
 */
const localRetryThresholdMs = 1_000;
/** Marks runs whose steps wait for the store to answer instead of failing (FailureType.storeUnavailable). */
const storeWaitPatch = 'store-unavailable-waits';
/** forEach lists longer than this run in child workflows of this many items each. */
const forEachChunkSize = 100;

type ActionFn = (input: ActionActivityInput) => Promise<unknown>;

/** Messages received by the run; signals may arrive before the step that consumes them. */
export class Inbox {
  readonly approvals: ApprovalDecision[] = [];
  readonly resumes: ResumePayload[] = [];
  readonly restored = new Map<string, number>();

  takeApproval(stepId: string): ApprovalDecision | undefined {
    const i = this.approvals.findIndex((a) => a.stepId === undefined || a.stepId === stepId);
    return i < 0 ? undefined : this.approvals.splice(i, 1)[0];
  }

  takeResume(signal: string): ResumePayload | undefined {
    const i = this.resumes.findIndex((r) => r.signal === signal);
    return i < 0 ? undefined : this.resumes.splice(i, 1)[0];
  }
}

export interface TemporalRuntimeOptions {
  inbox: Inbox;
  onStateChange?: () => void;
  /** SWITCHYARD_CONNECTION_WAIT_LIMIT as the run was started with; `defaultConnectionWaitMs` when absent. */
  connectionWaitMs?: number;
  /** The run id step keys use (ActionActivityInput.keyRun); the workflow's own when absent. */
  keyRun?: string;
  /** Starts a chunk child workflow (absent inside a chunk). */
  startChunk?: (step: ForEachPlanStep, items: unknown[], offset: number, scope: Scope) => Promise<ForEachChunkResult>;
}

/** The interpreter's effects, implemented with Temporal workflow APIs. */
export function temporalRuntime(opts: TemporalRuntimeOptions): Runtime {
  const { inbox } = opts;
  return {
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
    isCancellation,
    onStateChange: opts.onStateChange,
    forEachChunkSize,
    runForEachChunk: opts.startChunk,

    async callAction(call: ActionCall, progress) {
      const { step } = call;
      const activity = (retry: PlanRetryPolicy) => {
        const options = { startToCloseTimeout: step.startToCloseTimeout, scheduleToCloseTimeout: step.scheduleToCloseTimeout, retry };
        const acts =
          step.execution === 'local'
            ? // The summary names the step in the marker (the marker has no input): the API's step timings read it.
              proxyLocalActivities<Record<string, ActionFn>>({ ...options, localRetryThreshold: localRetryThresholdMs, summary: call.stepKey })
            : proxyActivities<Record<string, ActionFn>>(options);
        return acts[step.activityType];
      };
      let fn = activity(step.retry);
      if (!fn) throw new StepFailure(FailureType.fatal, `no activity ${step.activityType}`);
      const waitMs = opts.connectionWaitMs ?? defaultConnectionWaitMs;
      // Vendor calls of earlier executions that ended in a wait (auth lost; a paused connection is not called).
      let earlierAttempts = 0;
      // Vendor attempts spent by executions the store interrupted, and the wait for the store to answer.
      let storeSpent = 0;
      let storeWait: { since: number; delayMs: number } | undefined;
      let maximumAttempts = step.retry.maximumAttempts;
      for (;;) {
        const generation = step.connection ? (inbox.restored.get(step.connection) ?? 0) : 0;
        try {
          const arg: ActionActivityInput = { stepId: call.stepKey, connectionId: step.connection, input: call.input, resultEnvelope: 1 };
          if (opts.keyRun !== undefined) arg.keyRun = opts.keyRun;
          const result = await fn(arg);
          // A plain output: recorded before activities knew `resultEnvelope` (replay), or from an older activity worker mid-deploy.
          if (!isActionActivityResult(result)) return result;
          progress.attempts(earlierAttempts + result.attempt);
          return result.output;
        } catch (err) {
          if (isCancellation(err)) throw err;
          const failure = toStepFailure(err, maximumAttempts === step.retry.maximumAttempts ? step : { ...step, retry: { ...step.retry, maximumAttempts } });
          // Histories from before the store wait (or from an older workflow worker) failed the step here.
          if (failure.kind === FailureType.storeUnavailable && patched(storeWaitPatch)) {
            // The failing attempt never called the vendor; the ones before it (retried) did, and count.
            const spent = Math.max(0, (failure.attempts ?? 1) - 1);
            storeSpent += spent;
            earlierAttempts += spent;
            if (!storeWait) {
              storeWait = { since: Date.now(), delayMs: step.retry.initialInterval };
              progress.waiting(`the store (${failure.message})`);
            }
            if (Date.now() - storeWait.since >= waitMs) throw new StepFailure(failure.kind, `the store stayed unavailable for ${formatDuration(waitMs)} (${failure.message})`, earlierAttempts || undefined);
            await sleep(storeWait.delayMs);
            storeWait.delayMs = Math.min(storeWait.delayMs * step.retry.backoffCoefficient, step.retry.maximumInterval);
            maximumAttempts = Math.max(1, step.retry.maximumAttempts - storeSpent);
            fn = activity({ ...step.retry, maximumAttempts })!;
            continue;
          }
          storeWait = undefined;
          const waitable = failure.kind === FailureType.authLost || failure.kind === FailureType.connectionUnavailable;
          if (!waitable || !step.connection) {
            if (storeSpent > 0 && failure.attempts !== undefined) throw new StepFailure(failure.kind, failure.message, failure.attempts + storeSpent);
            throw failure;
          }
          if (failure.kind === FailureType.authLost) earlierAttempts += failure.attempts ?? 1;
          const connection = step.connection;
          progress.waiting(`connection ${connection} (${failure.message})`, earlierAttempts);
          const restored = await condition(() => (inbox.restored.get(connection) ?? 0) > generation, waitMs);
          if (!restored) {
            throw new StepFailure(failure.kind, `connection ${connection} stayed ${connectionStatusOf(err)} for ${formatDuration(waitMs)} (${failure.message})`, earlierAttempts || undefined);
          }
          progress.waiting(undefined);
          // After a reconnection the step starts over with all its attempts, as it did before the store wait.
          storeSpent = 0;
          maximumAttempts = step.retry.maximumAttempts;
          fn = activity(step.retry)!;
        }
      }
    },

    async waitFor(step: WaitForPlanStep) {
      if (step.approval) {
        let decision: ApprovalDecision | undefined;
        const ok = await condition(() => (decision = inbox.takeApproval(step.id)) !== undefined, step.timeoutMs);
        if (!ok || !decision) return { timedOut: true };
        return {
          timedOut: false,
          payload: { approved: decision.approved, by: decision.by, comment: decision.comment, at: new Date().toISOString() },
        };
      }
      const name = step.signal ?? '';
      let resume: ResumePayload | undefined;
      const ok = await condition(() => (resume = inbox.takeResume(name)) !== undefined, step.timeoutMs);
      if (!ok || !resume) return { timedOut: true };
      return { timedOut: false, payload: resume.payload ?? {} };
    },
  };
}

/** Activity failure → the step error the state shows (kind = ApplicationFailure type). */
function toStepFailure(err: unknown, step: ActionPlanStep): StepFailure {
  if (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) {
    const cause = err.cause;
    const attempts = err instanceof ActivityFailure && err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED ? step.retry.maximumAttempts : undefined;
    if (cause instanceof ApplicationFailure) return applicationStepFailure(cause, attempts);
    if (cause instanceof TimeoutFailure) return new StepFailure('Timeout', `activity timed out (${cause.timeoutType})`, attempts);
    return new StepFailure('Error', cause?.message ?? err.message, attempts);
  }
  // A local activity's failure arrives as the activity's own failure, without the server's
  // ActivityFailure around it: a retryable one means its policy ran out of attempts.
  if (err instanceof ApplicationFailure) {
    const exhausted = !err.nonRetryable && !step.retry.nonRetryableErrorTypes.includes(err.type ?? '') && step.scheduleToCloseTimeout === undefined;
    return applicationStepFailure(err, exhausted ? step.retry.maximumAttempts : undefined);
  }
  if (err instanceof TimeoutFailure) return new StepFailure('Timeout', `activity timed out (${err.timeoutType})`);
  if (err instanceof StepFailure) return err;
  return new StepFailure('Error', err instanceof Error ? err.message : String(err));
}

/** The attempt the activity recorded in its failure's details wins over what the retry state implies. */
function applicationStepFailure(failure: ApplicationFailure, attempts: number | undefined): StepFailure {
  const detail = failure.details?.[0] as { attempt?: unknown } | undefined;
  return new StepFailure(failure.type ?? 'Error', failure.message, typeof detail?.attempt === 'number' ? detail.attempt : attempts);
}

/** "disconnected" (auth lost) or "paused", from the failure's details. */
function connectionStatusOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const detail = cause instanceof ApplicationFailure ? (cause.details?.[0] as { status?: unknown } | undefined) : undefined;
  return detail?.status === 'paused' ? 'paused' : 'disconnected';
}

/** Child workflow id of one forEach chunk: stable, so a retried parent finds the same child. */
export function chunkWorkflowId(parentId: string, stepId: string, offset: number): string {
  return `${parentId}/${stepId}/${offset}`;
}
