/**
 * What the outgoing-webhook delivery workflow and its activities agree on: the retry schedule,
 * the pure decision after an attempt (the activity records it in the delivery log, the workflow
 * acts on it, with the same inputs), the activity interface, and the workflows' inputs and ids
 * (which the publisher and the recovery API start them by). No SDK imports, so activities and
 * src/webhooks-out load no workflow code.
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

/** Input of the delivery workflow, one per (subscription, message). */
export interface WebhookDeliveryInput {
  subscriptionId: string;
  messageId: string;
  /** Schedule steps already used (a recovery hands over after its own first attempt). */
  scheduleIndex?: number;
  /** Wait before the first attempt of this run. */
  initialDelayMs?: number;
}

export function deliveryWorkflowId(subscriptionId: string, messageId: string): string {
  return `webhook-delivery/${subscriptionId}/${messageId}`;
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
