import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { createSecretBox } from '../../src/security/secret-box';
import { DeliveryLog } from '../../src/webhooks-out/delivery-log';
import { SubscriptionStore } from '../../src/webhooks-out/subscriptions';
import { webhookDb } from '../../src/webhooks-out/tables';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor } from '../support/temporal';

let engine: TestEngine | undefined;
afterAll(async () => {
  await engine?.stop();
});

it('the API prunes finished outgoing messages past SWITCHYARD_WEBHOOK_LOG_RETENTION and keeps newer ones', { timeout: 120_000 }, async () => {
  const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
  const recent = new Date(Date.now() - 86_400_000).toISOString();
  const key = randomBytes(32);
  const box = createSecretBox([key]);
  const env = { SWITCHYARD_SECRET_KEY: key.toString('base64'), SWITCHYARD_WEBHOOK_LOG_RETENTION: '7d', SWITCHYARD_ENGINE_EVENTS_POLL: '200ms' };
  engine = await startTestEngine('webhook-retention', env, async (store) => {
    const db = webhookDb(store.db);
    const { subscription } = await new SubscriptionStore(db, box).create({ url: 'https://example.com/hook', topics: ['run.failed'] });
    const log = new DeliveryLog(db, box);
    for (const [id, createdAt] of [['msg_old', old], ['msg_recent', recent]] as const) {
      const message = { id, topic: 'run.failed', item: { id }, createdAt };
      await log.addMessage(message);
      await log.addDelivery(subscription.id, message, new Date(createdAt));
      await log.setStatus(subscription.id, id, 'delivered', new Date(createdAt));
    }
  });
  const log = new DeliveryLog(webhookDb(engine.store.db), box);
  await waitFor(async () => (await log.message('msg_old')) === undefined, 'the old message to be pruned', 60_000);
  expect((await log.message('msg_recent'))?.item).toEqual({ id: 'msg_recent' });
});
