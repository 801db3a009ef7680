import type { Client } from '@temporalio/client';
import { createWebhookDeliveryActivities } from '../../activities/webhook-delivery';
import type { Config } from '../config/config';
import { loadKeyRing } from '../security/key-ring';
import { createSecretBox, type SecretBox } from '../security/secret-box';
import type { Store } from '../store/store';
import { guardedWebhookEgress } from '../webhooks-out/guarded-egress';
import { WebhooksOut } from '../webhooks-out/webhooks-out';
import { outgoingTopicVocabulary } from './outgoing-topics';

type WiringConfig = Pick<Config, 'SWITCHYARD_SECRET_KEY' | 'SWITCHYARD_SECRET_KEYS_PREVIOUS' | 'SWITCHYARD_DATA_DIR' | 'SWITCHYARD_EGRESS_ALLOW' | 'TEMPORAL_TASK_QUEUE'>;

/** Signing secrets are sealed with the same key ring as connection credentials. */
function secretsFor(config: WiringConfig, secrets?: SecretBox): SecretBox {
  return secrets ?? createSecretBox(loadKeyRing(config));
}

/** The API process's outgoing-webhooks service: management, publish, test ping, redeliver, recover. */
export function webhooksOutFromConfig(opts: { config: WiringConfig; store: Store; client: Client; secrets?: SecretBox }): WebhooksOut {
  return new WebhooksOut({
    db: opts.store.db,
    secrets: secretsFor(opts.config, opts.secrets),
    client: opts.client,
    taskQueue: opts.config.TEMPORAL_TASK_QUEUE,
    egress: guardedWebhookEgress({ egressAllow: opts.config.SWITCHYARD_EGRESS_ALLOW }),
    topics: outgoingTopicVocabulary(),
  });
}

/** The worker's `webhooksOut.*` activities, to merge with the connector activities. */
export function webhookActivitiesFromConfig(opts: { config: WiringConfig; store: Store; secrets?: SecretBox }) {
  return createWebhookDeliveryActivities({
    db: opts.store.db,
    secrets: secretsFor(opts.config, opts.secrets),
    egress: guardedWebhookEgress({ egressAllow: opts.config.SWITCHYARD_EGRESS_ALLOW }),
  });
}
