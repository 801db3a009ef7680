import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { deliveryWorkflowId, type WebhookDeliveryInput } from '../../workflows/webhook-contract';
import type { DeliveryLog, Message } from './delivery-log';
import type { SubscriptionStore } from './subscriptions';
import { webhookMessagesPublished } from './metrics';
import { matchesAnyTopic } from '../recipe/topic-glob';

export interface PublishDeps {
  subscriptions: Pick<SubscriptionStore, 'listEnabled'>;
  log: DeliveryLog;
  client: Client;
  taskQueue: string;
  now?: () => Date;
}

export interface PublishOptions {
  /**
   * Makes publishing idempotent: the same key always maps to the same message (and
   * `webhook-id`), so a caller that retries after a failure never sends a message twice.
   * The ingress passes its inbound event hash.
   */
  idempotencyKey?: string;
  /** The connection the message is about (a connection.* event, an event it received): the outgoing log's per-connection view. */
  connectionId?: string;
}

export interface PublishResult {
  messageId: string;
  /** Subscriptions the message is being delivered to. */
  deliveries: number;
}

export function messageIdFor(key: string | undefined): string {
  return 'msg_' + (key === undefined ? randomBytes(16).toString('hex') : createHash('sha256').update(key).digest('hex').slice(0, 32));
}

/**
 * Fans a message out to every enabled subscription whose topics match: one delivery row and
 * one `webhookDelivery` workflow per subscription. Resolves once Temporal accepted every start,
 * and rejects otherwise (the caller should answer 503 and let its sender retry).
 */
export async function publish(deps: PublishDeps, topic: string, item: unknown, opts: PublishOptions = {}): Promise<PublishResult> {
  if (!topic || /\s/.test(topic)) throw new Error(`invalid topic ${JSON.stringify(topic)}`);
  const messageId = messageIdFor(opts.idempotencyKey);
  const subscribers = (await deps.subscriptions.listEnabled()).filter((s) => matchesAnyTopic(s.topics, topic));
  webhookMessagesPublished.inc({ matched: subscribers.length > 0 ? 'yes' : 'no' });
  if (subscribers.length === 0) return { messageId, deliveries: 0 };
  const now = deps.now?.() ?? new Date();
  const fresh: Message = { id: messageId, topic, item, createdAt: now.toISOString(), ...(opts.connectionId ? { connectionId: opts.connectionId } : {}) };
  const message = (await deps.log.addMessage(fresh)) ? fresh : ((await deps.log.message(messageId)) ?? fresh);
  await Promise.all(
    subscribers.map(async (subscription) => {
      await deps.log.addDelivery(subscription.id, message, now);
      await startDelivery(deps.client, deps.taskQueue, { subscriptionId: subscription.id, messageId }, 'REJECT_DUPLICATE');
    }),
  );
  return { messageId, deliveries: subscribers.length };
}

/** Starts a delivery; an already started (or, for REJECT_DUPLICATE, finished) one counts as started. */
export async function startDelivery(
  client: Client,
  taskQueue: string,
  input: WebhookDeliveryInput,
  reuse: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE',
): Promise<'started' | 'already_started'> {
  try {
    await client.workflow.start('webhookDelivery', {
      taskQueue,
      workflowId: deliveryWorkflowId(input.subscriptionId, input.messageId),
      workflowIdReusePolicy: reuse,
      args: [input],
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already_started';
    throw err;
  }
}
