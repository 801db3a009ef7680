import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { githubSignature, signHub } from '../../connectors/sdk/signatures/hub-signature';
import { parseConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import type { Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { applyRecipe } from '../support/hooks';
import { intercomNotification, signIntercom } from '../support/intercom-webhooks';

/**
 * Inbound hardening (issue #12, items 6 and 11): what an outsider can learn or make the ingress
 * do. The API runs without a worker (runs wait in their task queue): only the answers matter.
 */
describe('inbound hardening', () => {
  const secret = randomBytes(16).toString('hex');
  const githubSecret = randomBytes(16).toString('hex');
  const token = `tok_${randomBytes(16).toString('hex')}`;
  const adminToken = randomBytes(32).toString('base64');
  const topic = 'conversation.user.created';
  const eventTopic = `order.deep.${randomUUID().slice(0, 8)}`;
  const rateLimit = 5;
  let config: Config;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let decrypted: string[];

  beforeAll(async () => {
    config = parseConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `hardening-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-hardening-')),
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      SWITCHYARD_ADMIN_TOKEN: adminToken,
      SWITCHYARD_HOOKS_RATE_LIMIT: String(rateLimit),
      LOG_LEVEL: 'silent',
    });
    store = await openConfiguredStore(config);
    for (const id of ['ic-bom', 'ic-deep', 'ic-enum', 'ic-busy', 'ic-route']) await store.connections.create({ id, connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
    await store.connections.create({ id: 'jira-enum', connector: 'jira', name: 'Jira', credentials: { username: 'u', password: 'p', siteUrl: 'https://x.atlassian.net' } });
    await store.connections.create({ id: 'gh-replay', connector: 'webhook', name: 'GitHub-style', credentials: { scheme: 'github', signingSecret: githubSecret } });
    await store.connections.create({ id: 'ic-replay', connector: 'webhook', name: 'Intercom-style', credentials: { scheme: 'intercom', signingSecret: githubSecret } });
    await store.connections.create({ id: 'tok-limit', connector: 'webhook', name: 'Internal', credentials: { token } });
    for (const connection of ['ic-bom', 'ic-deep', 'ic-busy']) {
      await applyRecipe(
        store,
        {
          id: `hardening-${connection}`,
          name: 'Hardening',
          trigger: { type: 'webhook', connection, event: topic },
          steps: [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }],
        },
        { [connection]: 'intercom' },
      );
    }
    await applyRecipe(
      store,
      { id: 'hardening-event', name: 'Event', trigger: { type: 'event', event: eventTopic }, steps: [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }] },
      {},
    );
    // Observe (not replace) the connection's lookup (its row and sealed credentials), to show the rate limit answers before it.
    decrypted = [];
    const lookup = store.connections.lookup.bind(store.connections);
    store.connections.lookup = (id: string) => {
      decrypted.push(id);
      return lookup(id);
    };
    client = await connectClient(temporalTarget(config));
    api = await startApi({ config, logger: createLogger('silent'), store, client });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await client?.connection.close();
    await store?.close();
  });

  const postHook = (connection: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/hooks/${connection}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const postIntercom = (connection: string, body: string | Buffer, signedOver: string | Buffer = body) => postHook(connection, body, { 'x-hub-signature': signIntercom(signedOver, secret) });
  const postEvent = (body: string | Buffer) =>
    fetch(`${api.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body });
  const answer = async (res: Response) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> });

  it('a body starting with a UTF-8 BOM is verified over its raw bytes and parsed without the BOM: accepted, on /hooks and /api/v1/events', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(intercomNotification(topic, { type: 'conversation', id: 'c1' }))]);
    const accepted = await answer(await postIntercom('ic-bom', body));
    expect(accepted).toMatchObject({ status: 202, body: { matched: 1 } });
    // Verification still covers the bytes as sent: a signature over the body without its BOM is not this body's.
    const other = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(intercomNotification(topic, { type: 'conversation', id: 'c2' }))]);
    expect((await postIntercom('ic-bom', other, other.subarray(3))).status).toBe(401);
    const event = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ topic: eventTopic, id: `evt-${randomUUID()}`, data: { ok: true } }))]);
    expect(await answer(await postEvent(event))).toMatchObject({ status: 202, body: { matched: 1 } });
  });

  it('deeply nested JSON is 400 invalid_json naming the depth at parse time, not a 503 the sender retries forever', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const body = intercomNotification(topic, { type: 'conversation', id: 'c1' }).replace('"id":"c1"', `"id":"c1","nested":${deep}`);
    const hook = await answer(await postIntercom('ic-deep', body));
    expect(hook).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', message: expect.stringContaining('64'), details: { maxDepth: 64 } } } });
    // Just inside the cap is fine.
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const within = intercomNotification(topic, { type: 'conversation', id: 'c2' }).replace('"id":"c2"', `"id":"c2","nested":${nested(60)}`);
    expect((await postIntercom('ic-deep', within)).status).toBe(202);
    const event = await answer(await postEvent(`{"topic":"${eventTopic}","id":"evt-${randomUUID()}","data":{"nested":${deep}}}`));
    expect(event).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', details: { maxDepth: 64 } } } });
  });

  it('an unknown connection, a connection without webhooks and a bad signature answer the same, naming no connector', async () => {
    const body = intercomNotification(topic, { type: 'conversation', id: 'c1' });
    const unknown = await answer(await postIntercom(`nope-${randomUUID().slice(0, 8)}`, body));
    const notWebhook = await answer(await postIntercom('jira-enum', body));
    const badSignature = await answer(await postHook('ic-enum', body, { 'x-hub-signature': signIntercom(body, 'not-the-secret') }));
    const missingSignature = await answer(await postHook('ic-enum', body));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ error: { code: 'invalid_signature' } });
    for (const other of [notWebhook, badSignature, missingSignature]) expect(other).toEqual(unknown);
    expect(JSON.stringify(unknown.body)).not.toMatch(/intercom|jira|nope-/i);
    // The content type is checked before the connection is looked up: 415 for everyone.
    const textUnknown = await fetch(`${api.url}/hooks/nope-${randomUUID().slice(0, 8)}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    const textKnown = await fetch(`${api.url}/hooks/ic-enum`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect([textUnknown.status, textKnown.status]).toEqual([415, 415]);
    // GET handshakes: unknown and handshake-less connections answer alike.
    const getUnknown = await fetch(`${api.url}/hooks/nope-${randomUUID().slice(0, 8)}`);
    const getKnown = await fetch(`${api.url}/hooks/ic-enum`);
    expect(getUnknown.status).toBe(getKnown.status);
    expect(await getUnknown.json()).toEqual(await getKnown.json());
  });

  it('routes a delivery as express routes (any case, a trailing slash, a query, escapes decoded); a bad escape is 400, another method 404', async () => {
    const delivery = () => {
      const body = intercomNotification(topic, { type: 'conversation', id: `c-${randomUUID()}` });
      return { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, secret) }, body };
    };
    for (const path of ['/hooks/ic-route/', '/HOOKS/ic-route?source=test', '/hooks/ic%2Droute']) {
      const res = await answer(await fetch(`${api.url}${path}`, delivery()));
      expect({ path, ...res }).toMatchObject({ path, status: 200, body: { matched: 0 } });
    }
    const badEscape = await answer(await fetch(`${api.url}/hooks/ic-route%E0%A4%A`, delivery()));
    expect(badEscape).toMatchObject({ status: 400, type: 'application/json; charset=utf-8', body: { error: { code: 'invalid_path' } } });
    const put = await answer(await fetch(`${api.url}/hooks/ic-route`, { ...delivery(), method: 'PUT' }));
    expect(put).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('generic webhook with a body-only signature: a captured delivery replayed under a new delivery-id header is a duplicate', async () => {
    const body = JSON.stringify({ type: 'push', ref: randomUUID() });
    const github = (delivery: string) => postHook('gh-replay', body, { 'x-hub-signature-256': signHub(githubSignature, githubSecret, body), 'x-github-delivery': delivery });
    expect(await answer(await github(randomUUID()))).toMatchObject({ status: 200, body: { matched: 0 } });
    expect(await answer(await github(randomUUID()))).toMatchObject({ status: 200, body: { duplicate: true } });
    const sha1 = `sha1=${signIntercom(body, githubSecret).slice('sha1='.length)}`;
    const keyed = (key: string) => postHook('ic-replay', body, { 'x-hub-signature': sha1, 'idempotency-key': key });
    expect(await answer(await keyed('k1'))).toMatchObject({ status: 200, body: { matched: 0 } });
    expect(await answer(await keyed('k2'))).toMatchObject({ status: 200, body: { duplicate: true } });
  });

  it(`rate-limits each hook URL (${rateLimit} per minute) before its credentials are decrypted: 429 + Retry-After, unknown ids alike`, async () => {
    const post = () => fetch(`${api.url}/hooks/tok-limit/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'x', id: randomUUID() }) });
    const before = decrypted.filter((id) => id === 'tok-limit').length;
    for (let i = 0; i < rateLimit; i++) expect((await post()).status).toBe(200);
    const limited = await answer(await post());
    expect(limited).toMatchObject({ status: 429, type: expect.stringMatching(/^application\/json/), body: { error: { code: 'rate_limited', details: { retryAfter: expect.any(Number) } } } });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await post()).status).toBe(429);
    expect(decrypted.filter((id) => id === 'tok-limit').length - before).toBe(rateLimit);
    // An unknown id is limited the same way (else the limit itself would tell ids apart).
    const unknown = `nope-${randomUUID().slice(0, 8)}`;
    const statuses: number[] = [];
    for (let i = 0; i <= rateLimit; i++) statuses.push((await postHook(unknown, '{}')).status);
    expect(statuses).toEqual([...Array.from({ length: rateLimit }, () => 401), 429]);
  });

  it('a locked SQLite store answers 503 store_unavailable with Retry-After on /hooks and /api/v1/events, and the retry is accepted', async () => {
    await sql`PRAGMA busy_timeout = 100`.execute(store.db);
    const file = config.databaseUrl.slice('sqlite:'.length);
    const other = new SQLite(file);
    const body = intercomNotification(topic, { type: 'conversation', id: 'c1' });
    try {
      other.exec('BEGIN EXCLUSIVE');
      const locked = await answer(await postIntercom('ic-busy', body));
      expect(locked).toMatchObject({ status: 503, body: { error: { code: 'store_unavailable' } } });
      expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
      const event = await answer(await postEvent(JSON.stringify({ topic: eventTopic, id: `evt-${randomUUID()}`, data: {} })));
      expect(event).toMatchObject({ status: 503, body: { error: { code: 'store_unavailable' } } });
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await sql`PRAGMA busy_timeout = 5000`.execute(store.db);
    }
    const retried = await postIntercom('ic-busy', body);
    expect([200, 202]).toContain(retried.status);
  });
});
