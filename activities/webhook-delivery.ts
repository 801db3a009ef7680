import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { DeliverAttemptInput, FailedPage, FinishDeliveryInput, ListFailedInput, WebhookActivities } from '../workflows/webhook-contract';
import type { SecretBox } from '../src/security/secret-box';
import type { Database } from '../src/store/schema';
import { toActivityFailure } from './failure-mapping';
import { deliverAttempt } from './webhook-attempt';
import { DeliveryLog } from '../src/webhooks-out/delivery-log';
import { InFlightLimiter } from '../src/webhooks-out/in-flight';
import { webhookSubscriptionsDisabled } from '../src/webhooks-out/metrics';
import type { WebhookEgress } from '../src/webhooks-out/egress';
import { publish } from '../src/webhooks-out/publish';
import { SubscriptionStore } from '../src/webhooks-out/subscriptions';
import { webhookDb } from '../src/webhooks-out/tables';

export interface WebhookActivityDeps {
  db: Kysely<Database>;
  secrets: SecretBox;
  egress: WebhookEgress;
  /** Concurrent requests one subscription may have from this worker (default 10); more are deferred. */
  maxInFlightPerSubscription?: number;
}

/**
 * The outgoing-webhook activities (`webhooksOut.*`; the `webhook` connector owns `webhook.*`). Merge them into the worker's activities:
 * `{ ...createActivities(...), ...createWebhookDeliveryActivities({ db: store.db, secrets, egress }) }`.
 */
export function createWebhookDeliveryActivities(deps: WebhookActivityDeps): WebhookActivities {
  const activities = webhookActivities(deps);
  // Receiver failures are results; what throws here (the store down) goes through the failure table like every activity failure.
  const viaTable =
    <I, R>(fn: (input: I) => Promise<R>) =>
    async (input: I): Promise<R> => {
      try {
        return await fn(input);
      } catch (err) {
        throw await toActivityFailure(err, { connectionId: null });
      }
    };
  return {
    'webhooksOut.deliverAttempt': viaTable((input: DeliverAttemptInput) => activities['webhooksOut.deliverAttempt'](input)),
    'webhooksOut.finishDelivery': viaTable((input: FinishDeliveryInput) => activities['webhooksOut.finishDelivery'](input)),
    'webhooksOut.listFailed': viaTable((input: ListFailedInput) => activities['webhooksOut.listFailed'](input)),
  };
}

function webhookActivities(deps: WebhookActivityDeps): WebhookActivities {
  const db = webhookDb(deps.db);
  const subscriptions = new SubscriptionStore(db, deps.secrets);
  const log = new DeliveryLog(db, deps.secrets);
  const inFlight = new InFlightLimiter(deps.maxInFlightPerSubscription ?? 10);
  return {
    'webhooksOut.deliverAttempt': (input) => deliverAttempt({ subscriptions, log, egress: deps.egress, inFlight }, input),

    async 'webhooksOut.finishDelivery'(input: FinishDeliveryInput): Promise<void> {
      const at = new Date(input.nowMs);
      const reason = input.disable === 'gone' ? 'the receiver answered 410 Gone' : input.disable ? 'every delivery failed for 5 days' : undefined;
      await log.setStatus(input.subscriptionId, input.messageId, 'failed', at, reason);
      if (!input.disable || !reason) return;
      const changed = await subscriptions.disable(input.subscriptionId, reason, at);
      const subscription = await subscriptions.get(input.subscriptionId);
      // A retry of this activity after the disable went through still publishes (once: same key).
      if (!changed && !(subscription?.status === 'disabled' && subscription.updatedAt === at.toISOString())) return;
      if (changed) webhookSubscriptionsDisabled.inc({ reason: input.disable });
      const ctx = Context.current();
      // Idempotent under activity retries: the key maps a retried publish onto the same message.
      await publish(
        { subscriptions, log, client: ctx.client, taskQueue: ctx.info.taskQueue, now: () => at },
        'webhook.disabled',
        // Not the URL: subscriber URLs often carry their own tokens, and other subscribers receive this.
        { type: 'webhook_subscription', id: input.subscriptionId, description: subscription?.description ?? null, topics: subscription?.topics ?? [], status: 'disabled', reason, disabled_at: at.toISOString() },
        { idempotencyKey: `webhook.disabled/${input.subscriptionId}/${at.toISOString()}` },
      );
    },

    async 'webhooksOut.listFailed'(input: ListFailedInput): Promise<FailedPage> {
      return { items: await log.failed(input.subscriptionId, input) };
    },
  };
}
