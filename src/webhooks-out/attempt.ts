import { performance } from 'node:perf_hooks';
import { decide, type AttemptResult, type DeliverAttemptInput } from '../../workflows/webhook-delivery';
import type { DeliveryLog, DeliveryStatus, Message } from './delivery-log';
import { BlockedDestinationError, EgressTimeoutError, type WebhookEgress } from './egress';
import { notificationBody } from './payload';
import { signatureHeaders } from './signing';
import type { InFlightLimiter } from './in-flight';
import { webhookAttempts, webhookAttemptSeconds } from './metrics';
import type { SubscriptionStore } from './subscriptions';

/** 2xx within this counts as delivered. */
export const DELIVERY_TIMEOUT_MS = 15_000;
export const RESPONSE_SNIPPET_BYTES = 1024;
export const USER_AGENT = 'Switchyard-Webhooks/1';

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
 * One delivery attempt: load the message and secrets by id, sign, POST through the guarded
 * egress (SSRF check at every send), classify, and record it in the delivery log with the
 * next attempt the workflow will make.
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

export interface SendResult {
  statusCode?: number;
  retryAfterMs?: number;
  latencyMs: number;
  /** ≤ 1 KB of the response body; absent for blocked destinations. */
  snippet?: string;
  error?: string;
  blocked?: boolean;
}

/** POST once; never throws for what the receiver or the guard did. */
export async function send(egress: WebhookEgress, url: string, headers: Record<string, string>, body: Buffer, wallNow: () => number = Date.now): Promise<SendResult> {
  const started = performance.now();
  try {
    const res = await egress.post({ url, headers, body, timeoutMs: DELIVERY_TIMEOUT_MS, maxResponseBytes: RESPONSE_SNIPPET_BYTES });
    const latencyMs = performance.now() - started;
    const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after'], wallNow()) : undefined;
    const error = res.status >= 300 && res.status < 400 ? `redirect ${res.status} not followed; update the subscription URL` : undefined;
    return {
      statusCode: res.status,
      latencyMs,
      snippet: res.body.subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8'),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(error ? { error } : {}),
    };
  } catch (err) {
    const latencyMs = performance.now() - started;
    if (err instanceof BlockedDestinationError) return { latencyMs, error: `blocked_destination: ${err.message}`, blocked: true };
    if (err instanceof EgressTimeoutError) return { latencyMs, error: `timeout: no response within ${DELIVERY_TIMEOUT_MS / 1000} s` };
    return { latencyMs, error: `network: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
