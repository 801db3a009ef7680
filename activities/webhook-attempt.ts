import { decide, type AttemptResult, type DeliverAttemptInput } from '../workflows/webhook-contract';
import type { DeliveryLog, DeliveryStatus, Message } from '../src/webhooks-out/delivery-log';
import type { WebhookEgress } from '../src/webhooks-out/egress';
import type { InFlightLimiter } from '../src/webhooks-out/in-flight';
import { webhookAttempts, webhookAttemptSeconds } from '../src/webhooks-out/metrics';
import { notificationBody } from '../src/webhooks-out/payload';
import { send, USER_AGENT } from '../src/webhooks-out/send';
import { signatureHeaders } from '../src/webhooks-out/signing';
import type { SubscriptionStore } from '../src/webhooks-out/subscriptions';

export interface AttemptDeps {
  subscriptions: SubscriptionStore;
  log: DeliveryLog;
  egress: WebhookEgress;
  /** Per-subscription cap on concurrent requests from this worker; over it the attempt is deferred. */
  inFlight?: InFlightLimiter;
  /** Real clock for `webhook-timestamp` (the log uses the workflow's clock). */
  wallClock?: () => number;
}

/**
 * The `webhooksOut.deliverAttempt` activity: load the message and secrets by id, sign, POST
 * through the guarded egress (SSRF check at every send), classify, and record it in the delivery
 * log with the next attempt the workflow will make (the workflow's own `decide`, so the log and
 * the schedule cannot disagree).
 */
export async function deliverAttempt(deps: AttemptDeps, input: DeliverAttemptInput): Promise<AttemptResult> {
  const { subscriptionId, messageId } = input;
  const now = new Date(input.nowMs);
  const subscription = await deps.subscriptions.get(subscriptionId);
  const message = await deps.log.message(messageId);
  if (!subscription || subscription.status !== 'enabled' || !message) {
    const why = !subscription ? 'subscription deleted' : !message ? 'message no longer stored' : `subscription disabled (${subscription.disabledReason ?? 'by a person'})`;
    await deps.log.setStatus(subscriptionId, messageId, 'failed', now, why);
    const delivery = await deps.log.delivery(subscriptionId, messageId);
    return { outcome: 'inactive', attempt: delivery?.attempts ?? 0 };
  }
  if (deps.inFlight && !deps.inFlight.tryAcquire(subscriptionId)) {
    const delivery = await deps.log.delivery(subscriptionId, messageId);
    return { outcome: 'deferred', attempt: delivery?.attempts ?? 0 };
  }
  try {
    if (input.claim && !(await deps.log.claimFailed(subscriptionId, messageId, now))) {
      return { outcome: 'skipped', attempt: (await deps.log.delivery(subscriptionId, messageId))?.attempts ?? 0 };
    }
    return await attemptNow(deps, input, subscription.url, message);
  } finally {
    deps.inFlight?.release(subscriptionId);
  }
}

async function attemptNow(deps: AttemptDeps, input: DeliverAttemptInput, url: string, message: Message): Promise<AttemptResult> {
  const { subscriptionId, messageId } = input;
  const now = new Date(input.nowMs);
  const begun = await deps.log.beginAttempt(subscriptionId, messageId, now);
  if (!begun) throw new Error(`no delivery row for ${subscriptionId}/${messageId}`);
  const secrets = await deps.subscriptions.signingSecrets(subscriptionId, now);
  if (!secrets) throw new Error(`subscription ${subscriptionId} vanished`);
  const body = notificationBody({ ...message, attempt: begun.attempt, firstSentAt: begun.firstSentAt });
  const timestamp = Math.floor((deps.wallClock?.() ?? Date.now()) / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...signatureHeaders(secrets, messageId, timestamp, body),
  };

  const sent = await send(deps.egress, url, headers, body);
  const outcome = sent.statusCode === undefined ? 'failed' : sent.statusCode >= 200 && sent.statusCode < 300 ? 'delivered' : sent.statusCode === 410 ? 'gone' : 'failed';
  webhookAttempts.inc({ outcome, kind: sent.statusCode !== undefined ? 'http' : sent.blocked ? 'blocked' : sent.error?.startsWith('timeout') ? 'timeout' : 'network' });
  webhookAttemptSeconds.observe(sent.latencyMs / 1000);
  const failingSince = await deps.subscriptions.recordOutcome(subscriptionId, outcome === 'delivered', now);
  const result: AttemptResult = {
    outcome,
    attempt: begun.attempt,
    ...(sent.statusCode === undefined ? {} : { statusCode: sent.statusCode }),
    ...(sent.retryAfterMs === undefined ? {} : { retryAfterMs: sent.retryAfterMs }),
    ...(failingSince ? { failingSinceMs: Date.parse(failingSince) } : {}),
  };
  const decision = decide(result, input.nowMs, input.plannedDelayMs);
  const deliveryStatus: DeliveryStatus = decision.kind === 'done' ? 'delivered' : decision.kind === 'retry' ? 'pending' : 'failed';
  await deps.log.recordAttempt({
    subscriptionId,
    messageId,
    attempt: begun.attempt,
    attemptedAt: now.toISOString(),
    outcome: outcome === 'gone' ? 'gone' : outcome,
    statusCode: sent.statusCode ?? null,
    latencyMs: sent.latencyMs,
    responseSnippet: sent.snippet ?? null,
    error: sent.error ?? null,
    nextAttemptAt: decision.kind === 'retry' ? new Date(input.nowMs + decision.delayMs).toISOString() : null,
    deliveryStatus,
  });
  return result;
}
