/** Outgoing webhooks: what the API process, the ingress and the engine wire up. */
export { WebhooksOut, type WebhooksOutDeps, type TestResult } from './webhooks-out';
export { publish, type PublishDeps, type PublishOptions, type PublishResult } from './publish';
export { guardedWebhookEgress } from './guarded-egress';
export { publishEngineEvents, publishInboundEvent } from './sources';
export { WebhooksOutError } from './errors';
export { webhooksOutFromConfig, webhookActivitiesFromConfig } from './wiring';
