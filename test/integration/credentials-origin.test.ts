import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { registry } from '../../connectors/registry';
import { createEngineEvents } from '../../src/engine/engine-events';
import { apiV1 } from '../../src/http/api';
import { registryLookup } from '../../src/http/api/connector-lookup';
import { connectionRoutes } from '../../src/http/api/connections-routes';
import { createLogger } from '../../src/logging';
import { storeConnectionResolver } from '../../src/runtime/connection-resolver';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { FailureType } from '../../workflows/activity-contract';
import { JiraFake } from '../../sandbox/jira-fake';
import { call, serve } from '../support/api-harness';
import { startActivityCaller, type ActivityCaller } from '../support/contract-harness';
import { openTestStore, storeBackends } from '../support/stores';

/** Another host on loopback that records what it is sent: where stolen credentials would land. */
async function listener(): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"accountId":"attacker"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Issue 12 item 1: stored credentials go only to the origin they were entered for. */
describe('credentials follow their origin', () => {
  const user = 'bot@example.com';
  const logger = createLogger('silent');
  let store: Store;
  let api: { url: string; close(): Promise<void> };
  let writer: string;
  let jira: JiraFake;
  let movedJira: JiraFake;
  let attacker: Awaited<ReturnType<typeof listener>>;
  let caller: ActivityCaller;

  beforeAll(async () => {
    jira = await new JiraFake().start();
    movedJira = await new JiraFake().start();
    attacker = await listener();
    store = await openTestStore(storeBackends[0].url());
    const tokens = new TokenStore(store.db);
    const connectors = registryLookup(registry, { egressAllow: ['127.0.0.0/8'], connections: store.connections, logger });
    const routes = connectionRoutes({ connections: store.connections, connectors, events: createEngineEvents() });
    api = await serve([apiV1({ tokens, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 0, routeGroups: [routes] }).router]);
    writer = (await tokens.create({ name: 'ops', scopes: ['connections:read', 'connections:write'] })).secret;
    caller = await startActivityCaller(createActivities({ connections: storeConnectionResolver(store, logger), egressAllow: ['127.0.0.0/8'] }, registry));
  }, 120_000);
  afterAll(async () => {
    await caller?.close();
    await api?.close();
    await store?.close();
    await Promise.all([jira?.close(), movedJira?.close(), attacker?.close()]);
  });

  const create = async (credentials: Record<string, string>, baseUrl: string | null = null) => {
    const id = `jira-${randomUUID().slice(0, 8)}`;
    const created = await call(api.url, 'POST', '/api/v1/connections', { token: writer, body: { id, connector: 'jira', name: 'Jira', credentials, baseUrl } });
    expect(created.status).toBe(201);
    return id;
  };
  const runCreateIssue = (connectionId: string) => caller.call('jira.createIssue', { stepId: 'issue', connectionId, input: { project: 'SUP', summary: 'Customer cannot log in' } }, { maxAttempts: 2 });

  it('a base URL to another origin needs the credentials in the same request (422 naming baseUrl); with them, test and runs follow the connection', async () => {
    jira.issueToken(user, 'site-token');
    const id = await create({ username: user, password: 'site-token', siteUrl: jira.url });

    const hijack = await call(api.url, 'PATCH', `/api/v1/connections/${id}`, { token: writer, body: { baseUrl: attacker.url } });
    expect(hijack.status).toBe(422);
    expect(hijack.body.error.message).toMatch(/^body\.baseUrl: .*give the credentials again/);
    expect(hijack.body.error.details.issues[0].path).toBe('body.baseUrl');
    expect((await call(api.url, 'GET', `/api/v1/connections/${id}`, { token: writer })).body.baseUrl).toBeNull();
    expect((await call(api.url, 'POST', `/api/v1/connections/${id}/test`, { token: writer })).body).toMatchObject({ ok: true });
    expect(attacker.seen).toHaveLength(0);

    // Same origin, another path: nothing leaves the origin, no credentials needed.
    expect((await call(api.url, 'PATCH', `/api/v1/connections/${id}`, { token: writer, body: { baseUrl: `${jira.url}/` } })).status).toBe(200);

    // The site moved: new base URL and the credentials for it, together.
    movedJira.issueToken(user, 'moved-token');
    const moved = await call(api.url, 'PATCH', `/api/v1/connections/${id}`, {
      token: writer,
      body: { baseUrl: movedJira.url, credentials: { username: user, password: 'moved-token', siteUrl: movedJira.url } },
    });
    expect(moved.status).toBe(200);
    movedJira.reset();
    expect((await call(api.url, 'POST', `/api/v1/connections/${id}/test`, { token: writer })).body).toMatchObject({ ok: true });
    expect(movedJira.received('GET', '/rest/api/3/myself')).toHaveLength(1);
    expect(await runCreateIssue(id)).toMatchObject({ ok: true });
    expect(movedJira.issues).toHaveLength(1);
    expect(attacker.seen).toHaveLength(0);
  });

  it('a base URL changed behind the API (in the store) gets no credentials: test and runs are refused before anything is sent', async () => {
    jira.issueToken(user, 'second-token');
    const forTest = await create({ username: user, password: 'second-token', siteUrl: 'https://acme.atlassian.net' }, jira.url);
    const forRun = await create({ username: user, password: 'second-token', siteUrl: 'https://acme.atlassian.net' }, jira.url);
    await sql`update connections set base_url = ${attacker.url} where id in (${forTest}, ${forRun})`.execute(store.db);

    const outcome = await runCreateIssue(forRun);
    expect(outcome).toMatchObject({ ok: false, type: FailureType.authLost, message: expect.stringContaining('credentials were entered for') });
    const tested = await call(api.url, 'POST', `/api/v1/connections/${forTest}/test`, { token: writer });
    expect(tested.body).toMatchObject({ ok: false, reason: expect.stringContaining(`not ${attacker.url}`), connection: { status: 'disconnected' } });
    expect(attacker.seen).toHaveLength(0);

    // Entering the credentials again for the new base URL binds them there.
    const rebound = await call(api.url, 'PATCH', `/api/v1/connections/${forTest}`, { token: writer, body: { credentials: { username: user, password: 'third-token', siteUrl: 'https://acme.atlassian.net' } } });
    expect(rebound.body).toMatchObject({ status: 'connected', baseUrl: attacker.url });
    expect((await call(api.url, 'POST', `/api/v1/connections/${forTest}/test`, { token: writer })).body).toMatchObject({ ok: true });
    expect(attacker.seen.map((h) => h.authorization)).toEqual([`Basic ${Buffer.from(`${user}:third-token`).toString('base64')}`]);
  });
});
