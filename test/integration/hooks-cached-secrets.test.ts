import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { migrateStore, type Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { SubscriptionStore } from '../../src/webhooks-out/subscriptions';
import { webhookDb } from '../../src/webhooks-out/tables';
import { createSecretBox } from '../../src/security/secret-box';
import { call } from '../support/api-harness';
import { applyRecipe } from '../support/hooks';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { waitFor } from '../support/temporal';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * Issue #13: the ack path no longer decrypts a connection's credentials per delivery, and the
 * inbox dispatcher reads the outgoing-webhook subscriptions once per batch, not per event. Two API
 * processes (each its own store, so its own caches) share one PostgreSQL store: a change made
 * through one is what the other's next delivery uses. No worker runs: the answers, the delivery
 * rows and the signing secrets are what matter.
 */
describe('cached secrets and subscriptions on the ack path, across API processes', () => {
  const adminToken = randomBytes(32).toString('base64');
  const secretKey = randomBytes(32);
  const topic = 'conversation.user.created';
  let db: { url: string; drop(): Promise<void> };
  const stores: Store[] = [];
  const apis: ApiHandle[] = [];
  let client: Client;

  beforeAll(async () => {
    db = await freshPostgresDatabase('cached_secrets');
    await migrateStore(db.url);
    const config = parseConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `cached-secrets-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-cached-secrets-')),
      DATABASE_URL: db.url,
      SWITCHYARD_SECRET_KEY: secretKey.toString('base64'),
      SWITCHYARD_ADMIN_TOKEN: adminToken,
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      LOG_LEVEL: 'silent',
    });
    client = await connectClient(temporalTarget(config));
    for (let i = 0; i < 2; i++) stores.push(await openConfiguredStore(config, 'verify'));
    await stores[0]!.connections.create({ id: 'ic', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: 'first-secret' } });
    const never = [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }];
    await applyRecipe(stores[0]!, { id: 'cached-secrets', name: 'Cached secrets', trigger: { type: 'webhook', connection: 'ic', event: topic }, steps: never }, { ic: 'intercom' });
    for (const store of stores) apis.push(await startApi({ config, logger: createLogger('silent'), store, client }));
  }, 60_000);

  afterAll(async () => {
    for (const api of apis) await api.close();
    for (const store of stores) await store.close();
    await client?.connection.close();
    await db?.drop();
  });

  const [first, second] = [0, 1].map((i) => () => apis[i]!.url);
  const admin = (url: string, method: string, route: string, body?: unknown) => call(url, method, route, { token: adminToken, ...(body === undefined ? {} : { body }) });
  const deliver = (url: string, secret: string) => postIntercomWebhook(url, 'ic', intercomNotification(topic, { type: 'conversation', id: `c-${randomUUID()}` }), secret);

  it("new credentials entered through one API process verify the other's next delivery; the old ones no longer do", async () => {
    expect((await deliver(second!(), 'first-secret')).status).toBe(202);
    expect((await deliver(second!(), 'first-secret')).status).toBe(202);
    const put = await admin(first!(), 'PUT', '/api/v1/connections/ic', { connector: 'intercom', name: 'Intercom', credentials: { clientSecret: 'second-secret' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await deliver(second!(), 'first-secret')).status).toBe(401);
    expect((await deliver(second!(), 'second-secret')).status).toBe(202);
    // Removed and created again under the same id: the other process does not keep the removed row's secret.
    await stores[0]!.connections.remove('ic');
    await stores[0]!.connections.create({ id: 'ic', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: 'third-secret' } });
    expect((await deliver(second!(), 'second-secret')).status).toBe(401);
    expect((await deliver(second!(), 'third-secret')).status).toBe(202);
  });

  it("a subscription created, then disabled, through one API process is what the other's next dispatched event fans out to", async () => {
    const secret = (await stores[0]!.connections.boundCredentials('ic'))!.credentials as { clientSecret: string };
    const drained = (store: Store) => waitFor(async () => ((await store.inbox.stats()).depth === 0 ? true : undefined), 'the inbox to be dispatched', 30_000);
    // The other process dispatches (and so publishes) once before the subscription exists.
    expect((await deliver(second!(), secret.clientSecret)).status).toBe(202);
    await drained(stores[1]!);

    const created = await admin(first!(), 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/events', topics: [topic] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body as { id: string }).id;
    const deliveries = async () => ((await admin(first!(), 'GET', `/api/v1/webhooks/${id}/deliveries`)).body as { deliveries: unknown[] }).deliveries.length;
    expect((await deliver(second!(), secret.clientSecret)).status).toBe(202);
    await waitFor(async () => ((await deliveries()) === 1 ? true : undefined), 'the event dispatched by the other process to reach the new subscription', 30_000);

    expect((await admin(first!(), 'POST', `/api/v1/webhooks/${id}/disable`)).status).toBe(200);
    expect((await deliver(second!(), secret.clientSecret)).status).toBe(202);
    await drained(stores[1]!);
    expect(await deliveries()).toBe(1);
  });

  it("a signing secret rotated by one process is the one the other process's next delivery attempt signs with", async () => {
    const box = createSecretBox([secretKey]);
    const [mine, theirs] = stores.map((s) => new SubscriptionStore(webhookDb(s.db), box)) as [SubscriptionStore, SubscriptionStore];
    const { subscription, secret } = await mine.create({ url: 'http://127.0.0.1:9/events', topics: [topic] });
    expect((await theirs.signingSecrets(subscription.id))?.current).toBe(secret);
    const rotated = (await mine.rotateSecret(subscription.id, 0))!;
    expect(rotated.secret).not.toBe(secret);
    expect(await theirs.signingSecrets(subscription.id)).toEqual({ current: rotated.secret });
  });
});
