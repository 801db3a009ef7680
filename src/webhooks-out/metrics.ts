import { counter, histogram } from '../metrics/registry';

export const webhookAttempts = counter(
  'switchyard_webhook_attempts_total',
  'Outgoing webhook delivery attempts by outcome (delivered, failed, gone) and kind (http, timeout, network, blocked)',
  ['outcome', 'kind'],
);

export const webhookAttemptSeconds = histogram(
  'switchyard_webhook_attempt_duration_seconds',
  'Time from sending an outgoing webhook to the receiver’s answer (or the timeout)',
  [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
);

export const webhookMessagesPublished = counter('switchyard_webhook_messages_published_total', 'Messages published to outgoing webhooks, by whether any subscription matched', ['matched']);

export const webhookSubscriptionsDisabled = counter('switchyard_webhook_subscriptions_disabled_total', 'Subscriptions disabled automatically, by reason (gone, failing_for_5_days)', ['reason']);
