import { continueAsNew, ParentClosePolicy, proxyActivities, sleep, startChild, workflowInfo } from '@temporalio/workflow';

/**
 * Outgoing webhook delivery: one workflow per (subscription, message), so a slow or dead
 * subscriber only ever delays its own messages. The schedule lives here, in `sleep`s, so it
 * is visible in history and testable with time skipping. Payloads and secrets never enter
 * history: the activity loads both from the store by id.
 */

/** Waits after attempt 1..7 (Svix's schedule): 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 10 h. */
export const retryScheduleMs: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const maxDeliveryAttempts = retryScheduleMs.length + 1;
const jitterFraction = 0.2;
/** A subscription whose attempts all failed for this long is disabled. */
export const autoDisableAfterMs = 5 * 24 * 3600 * 1000;
const minRetryAfterMs = 1_000;
const maxRetryAfterMs = 24 * 3600 * 1000;

type AttemptOutcome =
  /** 2xx within the timeout. */
  | 'delivered'
  /** Anything else that was tried: non-2xx, 3xx (never followed), timeout, network error, blocked destination. */
  | 'failed'
  /** 410 Gone: the receiver asked us to stop. */
  | 'gone'
  /** Nothing was sent: the subscription is disabled or deleted. */
  | 'inactive'
  /** Nothing was sent: this subscription already has its share of in-flight requests on the worker. Not an attempt. */
  | 'deferred'
  /** Nothing was sent: a recovery found the message no longer failed (another recovery or a redelivery took it). */
  | 'skipped';

export interface AttemptResult {
  outcome: AttemptOutcome;
  /** Cumulative attempt number for this message and subscription (redeliveries continue the count). */
  attempt: number;
  statusCode?: number;
  /** From `Retry-After` on a 429 or 503, in ms. */
  retryAfterMs?: number;
  /** When the subscription's current run of failures began (ms), after recording this attempt. */
  failingSinceMs?: number;
}

export type Decision =
  | { kind: 'done' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed' }
  | { kind: 'disable'; reason: 'gone' | 'failing_for_5_days' }
  | { kind: 'inactive' }
  | { kind: 'defer' }
  | { kind: 'skip' };

/**
 * What happens after an attempt. `plannedDelayMs` is this attempt's jittered schedule step,
 * null on the last attempt. Pure: the activity applies it to write `next_attempt_at` in the
 * delivery log and the workflow applies it to act, with the same inputs.
 */
export function decide(result: AttemptResult, nowMs: number, plannedDelayMs: number | null): Decision {
  switch (result.outcome) {
    case 'delivered':
      return { kind: 'done' };
    case 'inactive':
      return { kind: 'inactive' };
    case 'deferred':
      return { kind: 'defer' };
    case 'skipped':
      return { kind: 'skip' };
    case 'gone':
      return { kind: 'disable', reason: 'gone' };
    case 'failed':
      if (result.failingSinceMs !== undefined && nowMs - result.failingSinceMs >= autoDisableAfterMs) {
        return { kind: 'disable', reason: 'failing_for_5_days' };
      }
      if (plannedDelayMs === null) return { kind: 'failed' };
      if (result.retryAfterMs !== undefined && (result.statusCode === 429 || result.statusCode === 503)) {
        return { kind: 'retry', delayMs: Math.min(maxRetryAfterMs, Math.max(minRetryAfterMs, result.retryAfterMs)) };
      }
      return { kind: 'retry', delayMs: plannedDelayMs };
  }
}

/** Wait before asking again after the n-th consecutive deferral (0-based): 1 s doubling to 5 min, ±20 %. */
export function deferDelayMs(n: number, random: number): number {
  return Math.round(Math.min(300_000, 1_000 * 2 ** Math.min(n, 20)) * (1 - jitterFraction + 2 * jitterFraction * random));
}

/** Schedule step `index` (0-based) with ±20 % jitter; `random` in [0, 1). Null past the last step. */
export function jitteredDelayMs(index: number, random: number): number | null {
  const base = retryScheduleMs[index];
  if (base === undefined) return null;
  return Math.round(base * (1 - jitterFraction + 2 * jitterFraction * random));
}

export interface DeliverAttemptInput {
  subscriptionId: string;
  messageId: string;
  /** Workflow time of the attempt: the clock of the delivery log and of the 5-day rule. */
  nowMs: number;
  plannedDelayMs: number | null;
  /** Recovery: attempt only if the delivery is still failed, marking it pending first (so each message is re-sent once). */
  claim?: boolean;
}

export interface FinishDeliveryInput {
  subscriptionId: string;
  messageId: string;
  nowMs: number;
  disable?: 'gone' | 'failing_for_5_days';
}

export interface FailedPage {
  items: { messageId: string; createdAt: string }[];
}

export interface ListFailedInput {
  subscriptionId: string;
  since: string;
  until: string;
  /** Resume after this (createdAt, messageId), exclusive. */
  after?: { createdAt: string; messageId: string };
  limit: number;
}

export interface WebhookActivities {
  'webhooksOut.deliverAttempt'(input: DeliverAttemptInput): Promise<AttemptResult>;
  /** Marks the message failed; with `disable`, disables the subscription and publishes webhook.disabled. */
  'webhooksOut.finishDelivery'(input: FinishDeliveryInput): Promise<void>;
  'webhooksOut.listFailed'(input: ListFailedInput): Promise<FailedPage>;
}

const activities = proxyActivities<WebhookActivities>({
  // 15 s for the receiver, the rest for the store.
  startToCloseTimeout: '45s',
  // Only infrastructure errors (store down) throw; receiver failures are results, retried by the schedule.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export interface WebhookDeliveryInput {
  subscriptionId: string;
  messageId: string;
  /** Schedule steps already used (a recovery hands over after its own first attempt). */
  scheduleIndex?: number;
  /** Wait before the first attempt of this run. */
  initialDelayMs?: number;
}

type WebhookDeliveryResult = { status: 'delivered' | 'failed' | 'disabled' | 'inactive'; attempts: number };

export function deliveryWorkflowId(subscriptionId: string, messageId: string): string {
  return `webhook-delivery/${subscriptionId}/${messageId}`;
}

export async function webhookDelivery(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  let index = input.scheduleIndex ?? 0;
  if (input.initialDelayMs) await sleep(input.initialDelayMs);
  for (;;) {
    const step = await attemptOnce(input.subscriptionId, input.messageId, index++);
    if (step.decision.kind === 'retry') {
      // Long deferrals can grow history: carry on in a fresh run, same workflow id.
      if (workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof webhookDelivery>({ ...input, scheduleIndex: index, initialDelayMs: step.decision.delayMs });
      }
      await sleep(step.decision.delayMs);
      continue;
    }
    return { status: finalStatus(step.decision), attempts: step.result.attempt };
  }
}

/**
 * One attempt at schedule step `index`. A deferral (the subscriber already has its share of the
 * worker's in-flight requests, e.g. because it hangs) is not an attempt: wait and ask again, so a
 * dead subscriber cannot take every activity slot from the healthy ones.
 */
async function attemptOnce(subscriptionId: string, messageId: string, index: number, claim = false): Promise<{ result: AttemptResult; decision: Decision }> {
  const plannedDelayMs = jitteredDelayMs(index, Math.random());
  for (let deferrals = 0; ; deferrals++) {
    const nowMs = Date.now();
    const result = await activities['webhooksOut.deliverAttempt']({ subscriptionId, messageId, nowMs, plannedDelayMs, ...(claim ? { claim } : {}) });
    const decision = decide(result, nowMs, plannedDelayMs);
    if (decision.kind === 'defer') {
      await sleep(deferDelayMs(deferrals, Math.random()));
      continue;
    }
    if (decision.kind === 'disable') {
      await activities['webhooksOut.finishDelivery']({ subscriptionId, messageId, nowMs, disable: decision.reason });
    }
    return { result, decision };
  }
}

function finalStatus(decision: Decision): WebhookDeliveryResult['status'] {
  if (decision.kind === 'done') return 'delivered';
  if (decision.kind === 'disable') return 'disabled';
  if (decision.kind === 'inactive') return 'inactive';
  return 'failed';
}

export interface WebhookRecoverInput {
  subscriptionId: string;
  since: string;
  /** Messages created after this are not part of the recovery (defaults to the request time). */
  until: string;
  after?: { createdAt: string; messageId: string };
  resent?: number;
}

export interface WebhookRecoverResult {
  resent: number;
  stoppedBecause?: 'subscription_disabled';
}

export function recoverWorkflowId(subscriptionId: string, requestId: string): string {
  return `webhook-recover/${subscriptionId}/${requestId}`;
}

const recoverPageSize = 50;

/**
 * Re-sends every failed message of one subscription created in [since, until], oldest first,
 * each once. The first new attempt of each message is made here, in order; a message that
 * fails again is handed to its own delivery workflow for the rest of the schedule.
 */
export async function webhookRecover(input: WebhookRecoverInput): Promise<WebhookRecoverResult> {
  let after = input.after;
  let resent = input.resent ?? 0;
  const page = await activities['webhooksOut.listFailed']({
    subscriptionId: input.subscriptionId,
    since: input.since,
    until: input.until,
    after,
    limit: recoverPageSize,
  });
  for (const item of page.items) {
    const step = await attemptOnce(input.subscriptionId, item.messageId, 0, true);
    after = { createdAt: item.createdAt, messageId: item.messageId };
    if (step.decision.kind === 'skip') continue;
    resent++;
    if (step.decision.kind === 'retry') {
      try {
        await startChild(webhookDelivery, {
          workflowId: deliveryWorkflowId(input.subscriptionId, item.messageId),
          args: [{ subscriptionId: input.subscriptionId, messageId: item.messageId, scheduleIndex: 1, initialDelayMs: step.decision.delayMs }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          taskQueue: workflowInfo().taskQueue,
        });
      } catch (err) {
        // A person redelivered it meanwhile: that delivery carries on with its own schedule.
        if (!(err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')) throw err;
      }
    } else if (step.decision.kind === 'disable' || step.decision.kind === 'inactive') {
      return { resent, stoppedBecause: 'subscription_disabled' };
    }
  }
  if (page.items.length < recoverPageSize) return { resent };
  return continueAsNew<typeof webhookRecover>({ ...input, after, resent });
}
