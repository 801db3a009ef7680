import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { recoverWorkflowId, type WebhookRecoverInput, type WebhookRecoverResult } from '../../workflows/webhook-contract';
import type { SecretBox } from '../security/secret-box';
import type { Database } from '../store/schema';
import { send, USER_AGENT } from './send';
import { DeliveryLog, type Attempt, type Delivery, type DeliveryStatus } from './delivery-log';
import type { WebhookEgress } from './egress';
import { WebhooksOutError } from './errors';
import { notificationBody } from './payload';
import { publish, startDelivery, type PublishOptions, type PublishResult } from './publish';
import { signatureHeaders } from './signing';
import type { Publish } from './sources';
import { SubscriptionStore, type NewSubscription, type Subscription } from './subscriptions';
import { validateSubscriptionUrl } from './subscription-url';
import { webhookDb } from './tables';
import { resolveSubscriptionTopics, type TopicVocabulary } from './topic-vocabulary';
import { BlockedDestinationError } from '../../connectors/sdk/guarded-agent';

export interface WebhooksOutDeps {
  db: Kysely<Database>;
  secrets: SecretBox;
  client: Client;
  taskQueue: string;
  egress: WebhookEgress;
  /** The topics known by name; with it, subscriptions take aliases as their real topic and refuse unknown ones. */
  topics?: TopicVocabulary;
  now?: () => Date;
}

const DEFAULT_ROTATION_WINDOW_MS = 24 * 3600 * 1000;

export interface TestResult {
  status: number | null;
  latencyMs: number;
  /** ≤ 1 KB of the receiver's body. */
  body: string | null;
  error: string | null;
}

/** Outgoing webhook subscriptions: management, publishing, the delivery log, redelivery and recovery. */
export class WebhooksOut {
  readonly subscriptions: SubscriptionStore;
  readonly log: DeliveryLog;

  constructor(private readonly deps: WebhooksOutDeps) {
    const db = webhookDb(deps.db);
    this.subscriptions = new SubscriptionStore(db, deps.secrets);
    this.log = new DeliveryLog(db, deps.secrets);
  }

  private resolveTopics(topics: string[]): string[] {
    return this.deps.topics ? resolveSubscriptionTopics(topics, this.deps.topics) : topics;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The secret is returned here and by `rotateSecret` only. */
  async create(input: NewSubscription): Promise<{ subscription: Subscription; secret: string }> {
    const topics = this.resolveTopics(input.topics);
    await this.checkDestination(input.url);
    return this.subscriptions.create({ ...input, topics }, this.now());
  }

  async get(id: string): Promise<Subscription> {
    const subscription = await this.subscriptions.get(id);
    if (!subscription) throw notFound(id);
    return subscription;
  }

  list(): Promise<Subscription[]> {
    return this.subscriptions.list();
  }

  async update(id: string, patch: Partial<NewSubscription>): Promise<Subscription> {
    await this.get(id);
    const topics = patch.topics === undefined ? undefined : this.resolveTopics(patch.topics);
    if (patch.url !== undefined) await this.checkDestination(patch.url);
    return (await this.subscriptions.update(id, { ...patch, ...(topics ? { topics } : {}) }, this.now()))!;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.subscriptions.delete(id))) throw notFound(id);
  }

  async enable(id: string): Promise<Subscription> {
    await this.get(id);
    return (await this.subscriptions.enable(id, this.now()))!;
  }

  async disable(id: string): Promise<Subscription> {
    await this.get(id);
    await this.subscriptions.disable(id, 'disabled by a person', this.now());
    return this.get(id);
  }

  async rotateSecret(id: string, windowMs = DEFAULT_ROTATION_WINDOW_MS): Promise<{ subscription: Subscription; secret: string }> {
    const rotated = await this.subscriptions.rotateSecret(id, windowMs, this.now());
    if (!rotated) throw notFound(id);
    return rotated;
  }

  publish(topic: string, item: unknown, opts?: PublishOptions): Promise<PublishResult> {
    return publish({ ...this.deps, subscriptions: this.subscriptions, log: this.log }, topic, item, opts);
  }

  /**
   * A publish for one batch of messages (the inbox dispatcher's): the enabled subscriptions are
   * read once, by its first message, not once per message. A change committed before the batch
   * began is seen by all of it.
   */
  publisher(): Publish {
    let enabled: Promise<Subscription[]> | undefined;
    const subscriptions = {
      listEnabled: () => {
        enabled ??= this.subscriptions.listEnabled();
        enabled.catch(() => (enabled = undefined));
        return enabled;
      },
    };
    return (topic, item, opts) => publish({ ...this.deps, subscriptions, log: this.log }, topic, item, opts);
  }

  /**
   * "Save and test": a signed `ping`, sent now, not retried. Blocked destinations answer a
   * `blocked_destination` error and nothing about the target.
   */
  async test(id: string): Promise<TestResult> {
    const subscription = await this.get(id);
    const now = this.now();
    const secrets = await this.subscriptions.signingSecrets(id, now);
    if (!secrets) throw notFound(id);
    const messageId = 'ping_' + randomBytes(12).toString('hex');
    const iso = now.toISOString();
    const body = notificationBody({ id: messageId, topic: 'ping', createdAt: iso, firstSentAt: iso, attempt: 1, item: { type: 'ping', message: 'Switchyard test delivery', subscription_id: id } });
    const headers = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signatureHeaders(secrets, messageId, Math.floor(Date.now() / 1000), body) };
    const sent = await send(this.deps.egress, subscription.url, headers, body);
    if (sent.blocked) throw new WebhooksOutError('blocked_destination', 'the subscription URL points at a destination that is not allowed');
    return { status: sent.statusCode ?? null, latencyMs: Math.round(sent.latencyMs), body: sent.snippet ?? null, error: sent.error ?? null };
  }

  async deliveries(id: string, opts: { status?: DeliveryStatus; limit?: number; before?: string }): Promise<Delivery[]> {
    await this.get(id);
    return this.log.deliveries(id, { ...opts, limit: Math.min(opts.limit ?? 50, 500) });
  }

  async delivery(id: string, messageId: string): Promise<Delivery & { attempts_log: Attempt[] }> {
    const delivery = await this.log.delivery(id, messageId);
    if (!delivery) throw new WebhooksOutError('not_found', `no delivery of message ${messageId} to subscription ${id}`, { subscription: id, message: messageId });
    return { ...delivery, attempts_log: await this.log.attempts(id, messageId) };
  }

  /** Sends one message again (same `webhook-id`), with a fresh retry schedule. */
  async redeliver(id: string, messageId: string): Promise<Delivery> {
    const subscription = await this.get(id);
    if (subscription.status !== 'enabled') throw disabled(subscription);
    const delivery = await this.log.delivery(id, messageId);
    if (!delivery) throw new WebhooksOutError('not_found', `no delivery of message ${messageId} to subscription ${id}`, { subscription: id, message: messageId });
    const started = await startDelivery(this.deps.client, this.deps.taskQueue, { subscriptionId: id, messageId }, 'ALLOW_DUPLICATE');
    if (started === 'already_started') throw new WebhooksOutError('conflict', `message ${messageId} is still being delivered to ${id}; wait for it to finish`);
    await this.log.setStatus(id, messageId, 'pending', this.now());
    return (await this.log.delivery(id, messageId))!;
  }

  /**
   * Re-sends every failed message created in [since, until] (until defaults to now), oldest
   * first, each once, with its original `webhook-id`. Runs as a workflow; returns its id.
   */
  async recover(id: string, since: Date, until?: Date): Promise<{ recoveryId: string }> {
    const subscription = await this.get(id);
    if (subscription.status !== 'enabled') throw disabled(subscription);
    const requestId = randomBytes(8).toString('hex');
    const input: WebhookRecoverInput = { subscriptionId: id, since: since.toISOString(), until: (until ?? this.now()).toISOString() };
    try {
      await this.deps.client.workflow.start('webhookRecover', { taskQueue: this.deps.taskQueue, workflowId: recoverWorkflowId(id, requestId), args: [input] });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new WebhooksOutError('conflict', 'this recovery is already running');
      throw err;
    }
    return { recoveryId: requestId };
  }

  async recovery(id: string, recoveryId: string): Promise<{ recoveryId: string; status: string; result: WebhookRecoverResult | null }> {
    const handle = this.deps.client.workflow.getHandle(recoverWorkflowId(id, recoveryId));
    try {
      const description = await handle.describe();
      const status = description.status.name;
      const result = status === 'COMPLETED' ? ((await handle.result()) as WebhookRecoverResult) : null;
      return { recoveryId, status: status.toLowerCase(), result };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new WebhooksOutError('not_found', `no recovery ${recoveryId} for subscription ${id}`);
      throw err;
    }
  }

  private async checkDestination(url: string): Promise<void> {
    validateSubscriptionUrl(url);
    try {
      await this.deps.egress.checkUrl(url);
    } catch (err) {
      if (err instanceof BlockedDestinationError) throw new WebhooksOutError('blocked_destination', `url: ${err.target} is not an allowed destination (${err.reason})`, { field: 'url' });
      throw new WebhooksOutError('invalid_url', `url: ${err instanceof Error ? err.message : String(err)}`, { field: 'url' });
    }
  }
}

function notFound(id: string): WebhooksOutError {
  return new WebhooksOutError('not_found', `no webhook subscription with id ${id}`, { subscription: id });
}

function disabled(subscription: Subscription): WebhooksOutError {
  return new WebhooksOutError('subscription_disabled', `subscription ${subscription.id} is disabled (${subscription.disabledReason ?? 'by a person'}); enable it first`, {
    subscription: subscription.id,
  });
}
