import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../metrics/registry';

export const webhookAttempts = new Counter({
  name: 'switchyard_webhook_attempts_total',
  help: 'Outgoing webhook delivery attempts by outcome (delivered, failed, gone) and kind (http, timeout, network, blocked)',
  labelNames: ['outcome', 'kind'] as const,
  registers: [metricsRegistry],
});

export const webhookAttemptSeconds = new Histogram({
  name: 'switchyard_webhook_attempt_duration_seconds',
  help: 'Time from sending an outgoing webhook to the receiver’s answer (or the timeout)',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
  registers: [metricsRegistry],
});

export const webhookMessagesPublished = new Counter({
  name: 'switchyard_webhook_messages_published_total',
  help: 'Messages published to outgoing webhooks, by whether any subscription matched',
  labelNames: ['matched'] as const,
  registers: [metricsRegistry],
});

export const webhookSubscriptionsDisabled = new Counter({
  name: 'switchyard_webhook_subscriptions_disabled_total',
  help: 'Subscriptions disabled automatically, by reason (gone, failing_for_5_days)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});
