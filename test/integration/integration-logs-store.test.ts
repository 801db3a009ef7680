import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/security/secret-box';
import { InboundLog, type InboundLogEntry } from '../../src/store/inbound-log';
import type { Store } from '../../src/store/store';
import { DeliveryLog } from '../../src/webhooks-out/delivery-log';
import { SubscriptionStore } from '../../src/webhooks-out/subscriptions';
import { webhookDb } from '../../src/webhooks-out/tables';
import { openTestStore, storeBackends, testSecretKey } from '../support/stores';

describe.each(storeBackends)('integration logs in the store on $name', ({ url }) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(url());
  });
  afterAll(() => store.close());

  const entry = (connectionId: string, receivedAt: string, over: Partial<InboundLogEntry> = {}): InboundLogEntry => ({
    receivedAt,
    connectionId,
    topic: 'conversation.user.created',
    outcome: 'accepted',
    reason: null,
    detail: null,
    status: 202,
    eventCount: 1,
    runs: [{ recipeId: 'r', runId: `run/r/${randomUUID()}` }],
    sizeBytes: 42,
    ...over,
  });

  it('keeps bodies sealed at rest, filters, pages newest first and prunes past the retention', async () => {
    const conn = `log-${randomUUID().slice(0, 8)}`;
    const other = `log-${randomUUID().slice(0, 8)}`;
    const t = (minute: number) => `2026-11-29T10:${String(minute).padStart(2, '0')}:00.000Z`;
    await store.inboundLog.append([
      entry(conn, t(1), { payload: JSON.stringify({ email: 'canary-body@example.com' }) }),
      entry(conn, t(2), { outcome: 'duplicate', runs: [] }),
      entry(conn, t(3), { outcome: 'rejected', reason: 'bad_signature', detail: 'X-Hub-Signature does not match', status: 401, topic: null, eventCount: 0, runs: [] }),
      entry(conn, t(4), { outcome: 'unmatched', reason: 'no_recipe', topic: 'contact.created,user_100%.done', runs: [] }),
      entry(other, t(5)),
    ]);
    const all = await store.inboundLog.list({ connection: conn, limit: 10 });
    expect(all.map((e) => e.receivedAt)).toEqual([t(4), t(3), t(2), t(1)]);
    expect(all[1]).toMatchObject({ outcome: 'rejected', reason: 'bad_signature', detail: 'X-Hub-Signature does not match', status: 401, hasPayload: false });

    // The body: sealed in the row, opened by `get`.
    const withBody = all[3]!;
    expect(withBody.hasPayload).toBe(true);
    const raw = (await sql<{ payload_ciphertext: string; payload_key_id: string }>`select payload_ciphertext, payload_key_id from inbound_log where id = ${withBody.id}`.execute(store.db)).rows[0]!;
    expect(raw.payload_key_id).toBeTruthy();
    expect(raw.payload_ciphertext).not.toContain('canary-body');
    expect(JSON.parse((await store.inboundLog.get(withBody.id))!.payload!)).toEqual({ email: 'canary-body@example.com' });
    // Another key ring cannot open it: the body is sealed, not stored in the clear.
    await expect(new InboundLog(store.db, createSecretBox([Buffer.alloc(32, 7)])).get(withBody.id)).rejects.toThrow();

    // Filters.
    expect((await store.inboundLog.list({ connection: conn, outcome: 'rejected', limit: 10 })).map((e) => e.receivedAt)).toEqual([t(3)]);
    expect((await store.inboundLog.list({ connection: conn, topic: 'user_100%.done', limit: 10 })).map((e) => e.receivedAt)).toEqual([t(4)]);
    expect(await store.inboundLog.list({ connection: conn, topic: 'user_1000.done', limit: 10 })).toEqual([]);
    expect((await store.inboundLog.list({ connection: conn, since: t(2), until: t(4), limit: 10 })).map((e) => e.receivedAt)).toEqual([t(3), t(2)]);
    // Keyset pages.
    const first = await store.inboundLog.list({ connection: conn, limit: 3 });
    const last = first.at(-1)!;
    expect((await store.inboundLog.list({ connection: conn, limit: 3, before: { receivedAt: last.receivedAt, id: last.id } })).map((e) => e.receivedAt)).toEqual([t(1)]);

    // Retention: entries received before the cutoff go, in batches.
    expect(await store.inboundLog.prune(new Date(t(3)), 1)).toBe(1);
    await store.inboundLog.prune(new Date(t(3)));
    expect((await store.inboundLog.list({ connection: conn, limit: 10 })).map((e) => e.receivedAt)).toEqual([t(4), t(3)]);
    expect(await store.inboundLog.get(withBody.id)).toBeUndefined();
  });

  it('lists outgoing deliveries across subscriptions with their last attempt, by connection', async () => {
    const db = webhookDb(store.db);
    const box = createSecretBox([testSecretKey]);
    const subs = new SubscriptionStore(db, box);
    const { subscription: a } = await subs.create({ url: 'https://example.com/a', topics: ['connection.*'] });
    const { subscription: b } = await subs.create({ url: 'https://example.com/b', topics: ['connection.*'] });
    const log = new DeliveryLog(db, box);
    const conn = `out-${randomUUID().slice(0, 8)}`;
    const message = { id: `msg_${randomUUID().replace(/-/g, '')}`, topic: 'connection.disconnected', item: { connectionId: conn }, createdAt: new Date().toISOString(), connectionId: conn };
    await log.addMessage(message);
    for (const s of [a, b]) await log.addDelivery(s.id, message, new Date());
    for (const attempt of [1, 2]) {
      await log.recordAttempt({ subscriptionId: a.id, messageId: message.id, attempt, attemptedAt: new Date(Date.now() + attempt).toISOString(), outcome: attempt === 1 ? 'http_error' : 'delivered', statusCode: attempt === 1 ? 500 : 200, latencyMs: 12, responseSnippet: attempt === 1 ? 'boom' : 'ok', error: null, nextAttemptAt: null, deliveryStatus: attempt === 1 ? 'pending' : 'delivered' });
    }
    const entries = await log.logEntries({ connection: conn, limit: 10 });
    expect(entries).toHaveLength(2);
    const ofA = entries.find((e) => e.subscriptionId === a.id)!;
    expect(ofA).toMatchObject({ connectionId: conn, status: 'delivered', lastStatusCode: 200, lastAttempt: { attempt: 2, statusCode: 200, responseSnippet: 'ok' } });
    expect(entries.find((e) => e.subscriptionId === b.id)).toMatchObject({ status: 'pending', lastAttempt: null });
    const [firstPage] = await log.logEntries({ connection: conn, limit: 1 });
    const rest = await log.logEntries({ connection: conn, limit: 10, before: { createdAt: firstPage!.createdAt, messageId: firstPage!.messageId, subscriptionId: firstPage!.subscriptionId } });
    expect(rest.map((e) => e.subscriptionId)).toEqual(entries.slice(1).map((e) => e.subscriptionId));
    expect(await log.logEntries({ connection: conn, status: 'failed', limit: 10 })).toEqual([]);
  });
});
