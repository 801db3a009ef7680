import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/security/secret-box';
import { DeliveryLog } from '../../src/webhooks-out/delivery-log';
import { resealSubscriptionSecrets, SubscriptionStore } from '../../src/webhooks-out/subscriptions';
import { webhookDb } from '../../src/webhooks-out/tables';
import { openTestStore, storeBackends, testSecretKey } from '../support/stores';

describe.each(storeBackends)('webhook subscription secrets on $name', ({ url }) => {
  it('are sealed at rest, rotate with a window, and reseal under a new master key', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const dbUrl = url();
    const store = await openTestStore(dbUrl, [oldKey]);
    try {
      const db = webhookDb(store.db);
      const subs = new SubscriptionStore(db, createSecretBox([oldKey]));
      const t0 = new Date('2026-01-01T00:00:00Z');
      const { subscription, secret } = await subs.create({ url: 'https://example.com/hook', topics: ['store.test.never-published'] }, t0);
      const raw = await db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', subscription.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(raw)).not.toContain(secret.slice(6));

      const rotated = (await subs.rotateSecret(subscription.id, 3_600_000, t0))!;
      expect(await subs.signingSecrets(subscription.id, new Date(t0.getTime() + 3_599_000))).toEqual({ current: rotated.secret, previous: secret });
      expect(await subs.signingSecrets(subscription.id, new Date(t0.getTime() + 3_600_000))).toEqual({ current: rotated.secret });

      // Master key rotation: new key first, old one still opens.
      const ring = createSecretBox([newKey, oldKey]);
      // (PostgreSQL is shared with other test files: only this subscription's row is asserted on.)
      const rowOf = () => db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', subscription.id).executeTakeFirstOrThrow();
      const first = await resealSubscriptionSecrets(db, ring);
      expect(first.unreadable).not.toContain(subscription.id);
      expect(first.resealed).toBeGreaterThanOrEqual(1);
      const onlyNew = new SubscriptionStore(db, createSecretBox([newKey]));
      expect(await onlyNew.signingSecrets(subscription.id, t0)).toEqual({ current: rotated.secret, previous: secret });
      const sealedOnce = await rowOf();
      expect(sealedOnce.secret_key_id).toBe(ring.currentKeyId);
      expect(sealedOnce.previous_secret_key_id).toBe(ring.currentKeyId);
      await resealSubscriptionSecrets(db, ring);
      expect((await rowOf()).secret_ciphertext).toBe(sealedOnce.secret_ciphertext);
      // The AAD binds a ciphertext to its subscription: swapping rows does not decrypt.
      const other = await onlyNew.create({ url: 'https://example.com/other', topics: ['store.test.never-published'] });
      await db.updateTable('webhook_subscriptions').set({ secret_ciphertext: (await db.selectFrom('webhook_subscriptions').select('secret_ciphertext').where('id', '=', subscription.id).executeTakeFirstOrThrow()).secret_ciphertext }).where('id', '=', other.subscription.id).execute();
      await expect(onlyNew.signingSecrets(other.subscription.id)).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it('the delivery log prunes old finished messages and keeps pending ones', async () => {
    const store = await openTestStore(url());
    try {
      const db = webhookDb(store.db);
      const subs = new SubscriptionStore(db, createSecretBox([testSecretKey]));
      const log = new DeliveryLog(db, createSecretBox([testSecretKey]));
      const { subscription } = await subs.create({ url: 'https://example.com/hook', topics: ['store.test.never-published'] });
      const old = new Date('2020-01-01T00:00:00Z');
      const tag = randomBytes(4).toString('hex');
      const done = { id: `msg_done${tag}`, topic: 't', item: {}, createdAt: old.toISOString() };
      const pending = { id: `msg_pend${tag}`, topic: 't', item: {}, createdAt: old.toISOString() };
      const fresh = { id: `msg_new${tag}`, topic: 't', item: {}, createdAt: new Date().toISOString() };
      for (const m of [done, pending, fresh]) {
        await log.addMessage(m);
        await log.addDelivery(subscription.id, m, old);
      }
      await log.beginAttempt(subscription.id, done.id, old);
      await log.recordAttempt({ subscriptionId: subscription.id, messageId: done.id, attempt: 1, attemptedAt: old.toISOString(), outcome: 'failed', statusCode: 500, latencyMs: 3, responseSnippet: null, error: null, nextAttemptAt: null, deliveryStatus: 'failed' });
      await log.setStatus(subscription.id, fresh.id, 'delivered', new Date());
      await log.prune(new Date('2021-01-01T00:00:00Z'));
      expect(await log.message(done.id)).toBeUndefined();
      expect(await log.attempts(subscription.id, done.id)).toEqual([]);
      expect(await log.delivery(subscription.id, done.id)).toBeUndefined();
      expect(await log.message(pending.id)).toBeDefined();
      expect(await log.message(fresh.id)).toBeDefined();
      // Payloads are sealed at rest, bound to their message.
      await log.addMessage({ id: `msg_canary${tag}`, topic: 't', item: { email: 'out-canary@example.com' }, createdAt: new Date().toISOString() });
      const row = await db.selectFrom('webhook_messages').selectAll().where('id', '=', `msg_canary${tag}`).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain('out-canary');
      expect((await log.message(`msg_canary${tag}`))?.item).toEqual({ email: 'out-canary@example.com' });
    } finally {
      await store.close();
    }
  });
});
