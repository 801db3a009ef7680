import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { rotateKeys } from '../../src/cli/local/keys-command';
import { parseConfig } from '../../src/config/config';
import { loadKeyRing } from '../../src/security/key-ring';
import { createSecretBox, keyIdOf } from '../../src/security/secret-box';
import { openStore } from '../../src/store/store';
import { DeliveryLog } from '../../src/webhooks-out/delivery-log';
import { SubscriptionStore } from '../../src/webhooks-out/subscriptions';
import { webhookDb } from '../../src/webhooks-out/tables';
import { storeBackends } from '../support/stores';

describe.each(storeBackends)('switchyard keys rotate on $name', ({ name, url }) => {
  it('re-encrypts every connection under the new key while the old one still decrypts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-keys-'));
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const databaseUrl = url();
    const env = (current: Buffer, previous: Buffer[] = []) =>
      parseConfig({
        SWITCHYARD_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        SWITCHYARD_SECRET_KEY: current.toString('base64'),
        SWITCHYARD_SECRET_KEYS_PREVIOUS: previous.map((k) => k.toString('base64')).join(','),
      });

    const before = await openStore(databaseUrl, createSecretBox([oldKey]));
    const ids = Array.from({ length: 5 }, () => `rot-${randomUUID().slice(0, 8)}`);
    for (const [i, id] of ids.entries()) await before.connections.create({ id, connector: 'jira', name: id, credentials: { apiToken: `canary-${i}` } });
    await before.close();

    // The operator deploys the new key with the old one kept, then rotates.
    const report = await rotateKeys(env(newKey, [oldKey]));
    expect(report.generated).toBe(false);
    expect(report.currentKeyId).toBe(keyIdOf(newKey));
    // Other test files share the PostgreSQL database with rows under their own keys: only ours count here.
    expect(report.resealed).toBeGreaterThanOrEqual(ids.length);
    for (const id of ids) expect(report.unreadable).not.toContain(id);

    // The old key is no longer needed for connections.
    const after = await openStore(databaseUrl, createSecretBox([newKey]));
    try {
      for (const [i, id] of ids.entries()) expect(await after.connections.credentials(id)).toEqual({ apiToken: `canary-${i}` });
      const rows = (await sql<{ id: string; key_id: string; credentials_ciphertext: string }>`select id, key_id, credentials_ciphertext from connections`.execute(after.db)).rows;
      for (const id of ids) expect(rows.find((r) => r.id === id)?.key_id).toBe(keyIdOf(newKey));
      expect(JSON.stringify(rows)).not.toContain('canary-');
    } finally {
      await after.close();
    }
  });

  it.runIf(name === 'sqlite')('in embedded mode makes a new key file and keeps the old one (0600)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-keys-'));
    const config = parseConfig({ SWITCHYARD_DATA_DIR: dataDir, DATABASE_URL: url() });
    const [firstKey] = loadKeyRing(config);
    const store = await openStore(config.databaseUrl, createSecretBox([firstKey!]));
    await store.connections.create({ id: 'embedded', connector: 'jira', name: 'J', credentials: { apiToken: 'secret-value' } });
    const { subscription, secret } = await new SubscriptionStore(webhookDb(store.db), createSecretBox([firstKey!])).create({ url: 'https://example.com/hook', topics: ['connection.*'] });
    // A stored trigger payload and two outgoing messages: one sealed, one written before messages were sealed.
    const payloadId = await store.payloads.put('intercom-main', 'hash-1', JSON.stringify({ email: 'payload-canary@example.com' }));
    await new DeliveryLog(webhookDb(store.db), createSecretBox([firstKey!])).addMessage({ id: 'msg_sealed', topic: 'run.failed', item: { note: 'sealed-canary' }, createdAt: new Date().toISOString() });
    await webhookDb(store.db)
      .insertInto('webhook_messages')
      .values({ id: 'msg_legacy', topic: 'run.failed', payload_json: JSON.stringify({ note: 'legacy-canary' }), payload_ciphertext: null, payload_key_id: null, created_at: new Date().toISOString() })
      .execute();
    // An accepted event still waiting in the durable inbox, and a delivery body kept in the inbound log.
    const hash = 'a'.repeat(32);
    const inboxBody = JSON.stringify({ event: { id: 'e1', topic: 'conversation.user.created', source: 'intercom-main', receivedAt: new Date().toISOString(), payload: { email: 'inbox-canary@example.com' } }, recipes: ['rotated'] });
    await store.inbox.append([{ source: 'intercom-main', eventHash: hash, receivedAt: new Date().toISOString(), body: inboxBody }]);
    const delivery = { receivedAt: new Date().toISOString(), connectionId: 'intercom-main', topic: 'conversation.user.created', outcome: 'accepted' as const, reason: null, detail: null, status: 202, eventCount: 1, runs: [], sizeBytes: 10 };
    await store.inboundLog.append([{ ...delivery, payload: JSON.stringify({ email: 'inbound-canary@example.com' }) }, delivery]);
    // A person on the vendor's consent page while the key rotates, and one who already came back.
    const pending = { connector: 'hubspot', connectionId: 'hubspot-main', label: null, baseUrl: null, scopes: ['crm.objects.contacts.read'], redirectUri: 'http://127.0.0.1/oauth/callback', tokenId: 'tok_1', expiresAt: new Date(Date.now() + 600_000) };
    await store.oauthAuthorizations.create('state-waiting', { ...pending, codeVerifier: 'verifier-canary-waiting' });
    await store.oauthAuthorizations.create('state-used', { ...pending, codeVerifier: 'verifier-canary-used' });
    expect(await store.oauthAuthorizations.claim('state-used')).toMatchObject({ codeVerifier: 'verifier-canary-used' });
    await store.close();

    const report = await rotateKeys(config);
    expect(report.generated).toBe(true);
    expect(report.currentKeyId).not.toBe(keyIdOf(firstKey!));
    expect(report.usage).toEqual({ [report.currentKeyId]: 1 });
    expect(report.subscriptions).toEqual({ total: 1, resealed: 1, unreadable: [] });
    expect(report.triggerPayloads).toEqual({ total: 1, resealed: 1, unreadable: [] });
    expect(report.webhookMessages).toEqual({ total: 2, resealed: 2, unreadable: [] });
    expect(report.inboxEvents).toEqual({ total: 1, resealed: 1, unreadable: [] });
    expect(report.inboundLog).toEqual({ total: 1, resealed: 1, unreadable: [] });
    expect(report.oauthAuthorizations).toEqual({ total: 1, resealed: 1, unreadable: [] });
    const ring = loadKeyRing(config);
    expect(ring.map(keyIdOf)).toEqual([report.currentKeyId, keyIdOf(firstKey!)]);
    for (const file of ['secret.key', 'secret.keys.previous']) expect(statSync(path.join(dataDir, file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dataDir, 'secret.keys.previous'), 'utf8').trim()).toBe(firstKey!.toString('base64'));
    const reopened = await openStore(config.databaseUrl, createSecretBox(ring));
    expect(await reopened.connections.credentials('embedded')).toEqual({ apiToken: 'secret-value' });
    // Only the new key is needed for the subscription's signing secret now.
    const current = new SubscriptionStore(webhookDb(reopened.db), createSecretBox([ring[0]!]));
    expect(JSON.stringify(await current.signingSecrets(subscription.id))).toContain(secret);
    // Payloads in and out open with the new key alone, and no row holds them in the clear.
    const newOnly = await openStore(config.databaseUrl, createSecretBox([ring[0]!]));
    expect(JSON.parse((await newOnly.payloads.get(payloadId))!)).toEqual({ email: 'payload-canary@example.com' });
    const log = new DeliveryLog(webhookDb(newOnly.db), createSecretBox([ring[0]!]));
    expect((await log.message('msg_sealed'))?.item).toEqual({ note: 'sealed-canary' });
    expect((await log.message('msg_legacy'))?.item).toEqual({ note: 'legacy-canary' });
    expect(await newOnly.inbox.queuedRun(`run/rotated/${hash}`)).toMatchObject({ recipeId: 'rotated', topic: 'conversation.user.created' });
    const [kept] = (await newOnly.inboundLog.list({ limit: 10 })).filter((e) => e.hasPayload);
    expect(JSON.parse((await newOnly.inboundLog.get(kept!.id))!.payload!)).toEqual({ email: 'inbound-canary@example.com' });
    // The waiting Connect finishes with the new key alone.
    expect(await newOnly.oauthAuthorizations.claim('state-waiting')).toMatchObject({ connectionId: 'hubspot-main', codeVerifier: 'verifier-canary-waiting' });
    const tables = ['webhook_messages', 'trigger_payloads', 'event_inbox', 'inbound_log', 'oauth_authorizations'];
    const raw = (await Promise.all(tables.map(async (t) => JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(newOnly.db)).rows)))).join('');
    for (const canary of ['payload-canary', 'sealed-canary', 'legacy-canary', 'inbox-canary', 'inbound-canary', 'verifier-canary']) expect(raw).not.toContain(canary);
    await newOnly.close();
    await reopened.close();
  });
});
