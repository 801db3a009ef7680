import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { z } from 'zod';
import { createEngineEvents, type EngineEvent } from '../../src/engine/engine-events';
import { apiV1 } from '../../src/http/api';
import { connectionRoutes, type ConnectionTestResult, type ConnectorLookup } from '../../src/http/api/connections-routes';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { openTestStore, storeBackends } from '../support/stores';
import { call, serve } from '../support/api-harness';

const jiraCredentials = z.strictObject({ email: z.email(), apiToken: z.string().min(10) });

describe.each(storeBackends)('connections API on $name', ({ url }) => {
  let store: Store;
  let api: { url: string; close(): Promise<void> };
  let writer: string;
  let reader: string;
  const published: EngineEvent[] = [];
  let nextTest: ConnectionTestResult = { ok: true };
  const canary = `canary-${Math.random().toString(36).slice(2)}-apitoken`;

  beforeAll(async () => {
    store = await openTestStore(url());
    const tokens = new TokenStore(store.db);
    const events = createEngineEvents();
    events.subscribe((e) => void published.push(e));
    const connectors: ConnectorLookup = {
      exists: (id) => ['jira', 'intercom'].includes(id),
      known: () => ['intercom', 'jira'],
      credentialsSchema: (id) => (id === 'jira' ? jiraCredentials : z.strictObject({ clientSecret: z.string() })),
      hasWebhookSource: (id) => id === 'intercom',
      origins: (_c, _creds, baseUrl) => (baseUrl ? [new URL(baseUrl).origin] : []),
      test: (connection) => (connection.connector === 'jira' ? Promise.resolve(nextTest) : undefined),
    };
    const routes = connectionRoutes({ connections: store.connections, connectors, events, waitingRuns: async () => 3, publicUrl: 'https://switchyard.example.com' });
    api = await serve([apiV1({ tokens, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 0, routeGroups: [routes] }).router]);
    writer = (await tokens.create({ name: 'ops', scopes: ['connections:read', 'connections:write'] })).secret;
    reader = (await tokens.create({ name: 'viewer', scopes: ['connections:read'] })).secret;
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  const id = () => `jira-${Math.random().toString(36).slice(2, 10)}`;

  it('creates with validated credentials and never returns them', async () => {
    const cid = id();
    const created = await call(api.url, 'POST', '/api/v1/connections', {
      token: writer,
      body: { id: cid, connector: 'jira', name: 'Jira (prod)', credentials: { email: 'ops@acme.test', apiToken: canary }, baseUrl: 'https://acme.atlassian.net' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: cid, connector: 'jira', status: 'connected', baseUrl: 'https://acme.atlassian.net' });
    expect(created.body.webhookUrl).toBeUndefined();
    const one = await call(api.url, 'GET', `/api/v1/connections/${cid}`, { token: reader });
    expect(one.body).toMatchObject({ id: cid, waitingRuns: 3 });
    const all = await call(api.url, 'GET', '/api/v1/connections', { token: reader });
    for (const r of [created, one, all]) expect(JSON.stringify(r.body)).not.toContain(canary);
    const dump = JSON.stringify((await sql`select * from connections`.execute(store.db)).rows);
    expect(dump).not.toContain(canary);
    expect(await store.connections.credentials(cid)).toEqual({ email: 'ops@acme.test', apiToken: canary });
    expect((await call(api.url, 'POST', '/api/v1/connections', { token: writer, body: { id: cid, connector: 'jira', name: 'again', credentials: { email: 'a@b.co', apiToken: 'x'.repeat(10) } } })).status).toBe(409);
  });

  it('answers 422 naming the missing or wrong credentials field, and unknown connectors', async () => {
    const missing = await call(api.url, 'POST', '/api/v1/connections', { token: writer, body: { id: id(), connector: 'jira', name: 'J', credentials: { email: 'ops@acme.test' } } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/^body\.credentials\.apiToken: /);
    const wrong = await call(api.url, 'POST', '/api/v1/connections', { token: writer, body: { id: id(), connector: 'jira', name: 'J', credentials: { email: 'not-an-email', apiToken: 'x'.repeat(12) } } });
    expect(wrong.body.error.details.issues[0].path).toBe('body.credentials.email');
    const unknown = await call(api.url, 'POST', '/api/v1/connections', { token: writer, body: { id: id(), connector: 'jiraa', name: 'J' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain('body.connector: unknown connector "jiraa" (known: intercom, jira)');
    const badId = await call(api.url, 'POST', '/api/v1/connections', { token: writer, body: { id: 'Jira Main', connector: 'jira', name: 'J' } });
    expect(badId.body.error.message).toMatch(/^body\.id: /);
  });

  it('shows the webhook URL for connectors with a webhook source', async () => {
    const cid = `intercom-${Math.random().toString(36).slice(2, 8)}`;
    const created = await call(api.url, 'PUT', `/api/v1/connections/${cid}`, { token: writer, body: { connector: 'intercom', name: 'Intercom', credentials: { clientSecret: 's3cret' } } });
    expect(created.status).toBe(201);
    expect(created.body.webhookUrl).toBe(`https://switchyard.example.com/hooks/${cid}`);
  });

  it('pauses and resumes, emitting engine events; updating credentials restores a disconnect', async () => {
    const cid = id();
    await call(api.url, 'POST', '/api/v1/connections', { token: writer, body: { id: cid, connector: 'jira', name: 'J', credentials: { email: 'ops@acme.test', apiToken: 'y'.repeat(12) } } });
    const mine = () => published.filter((e) => (e.data as { connectionId: string }).connectionId === cid).map((e) => e.topic);

    const paused = await call(api.url, 'POST', `/api/v1/connections/${cid}/pause`, { token: writer });
    expect(paused.body).toMatchObject({ status: 'paused', statusReason: 'paused by ops' });
    expect((await call(api.url, 'POST', `/api/v1/connections/${cid}/resume`, { token: writer })).body.status).toBe('connected');
    expect(mine()).toEqual(['connection.paused', 'connection.resumed']);
    expect((await call(api.url, 'POST', `/api/v1/connections/${cid}/resume`, { token: writer })).status).toBe(409);

    nextTest = { ok: false, authLost: true, reason: '401 from Jira: token revoked' };
    const failed = await call(api.url, 'POST', `/api/v1/connections/${cid}/test`, { token: writer });
    expect(failed.body).toMatchObject({ ok: false, reason: '401 from Jira: token revoked', connection: { status: 'disconnected', statusReason: '401 from Jira: token revoked' } });
    const patched = await call(api.url, 'PATCH', `/api/v1/connections/${cid}`, { token: writer, body: { credentials: { email: 'ops@acme.test', apiToken: 'z'.repeat(12) } } });
    expect(patched.body).toMatchObject({ status: 'connected', statusReason: null });
    expect(mine()).toEqual(['connection.paused', 'connection.resumed', 'connection.disconnected', 'connection.restored']);

    await store.connections.setStatus(cid, 'disconnected', '401 from Jira');
    nextTest = { ok: true };
    const ok = await call(api.url, 'POST', `/api/v1/connections/${cid}/test`, { token: writer });
    expect(ok.body).toMatchObject({ ok: true, connection: { status: 'connected' } });
    expect(mine().at(-1)).toBe('connection.restored');

    const renamed = await call(api.url, 'PATCH', `/api/v1/connections/${cid}`, { token: writer, body: { name: 'Jira (staging)' } });
    expect(renamed.body).toMatchObject({ name: 'Jira (staging)', status: 'connected' });
    expect((await call(api.url, 'DELETE', `/api/v1/connections/${cid}`, { token: writer })).status).toBe(204);
    expect((await call(api.url, 'GET', `/api/v1/connections/${cid}`, { token: reader })).status).toBe(404);
  });

  it('keeps writes out of reach of a read-only token', async () => {
    const denied = await call(api.url, 'POST', '/api/v1/connections', { token: reader, body: { id: id(), connector: 'jira', name: 'J' } });
    expect(denied).toMatchObject({ status: 403, body: { error: { details: { required: 'connections:write' } } } });
  });
});
