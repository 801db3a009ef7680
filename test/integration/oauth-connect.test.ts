import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registry } from '../../connectors/registry';
import { ApiClient } from '../../src/cli/remote/api-client';
import { registerConnectionsCommand } from '../../src/cli/remote/connections-command';
import { parseConfig } from '../../src/config/config';
import { callWithConnection } from '../../src/engine/direct-call';
import { createEngineEvents, type EngineEvent } from '../../src/engine/engine-events';
import type { Inbox } from '../../src/engine/inbox';
import { PlanCache } from '../../src/engine/plan-cache';
import { managementApi } from '../../src/http/api/from-config';
import { connectorRoutes } from '../../src/http/connectors-routes';
import type { Store } from '../../src/store/store';
import { OAuthAuthorizationServer } from '../../sandbox/oauth-authorization-server';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { call, serve } from '../support/api-harness';
import { openTestStore, testSecretKey } from '../support/stores';

/**
 * OAuth Connect end to end on the management API as a process wires it (SQLite store, the real
 * connector registry): start → the fake authorization server's consent page → the callback, all
 * over loopback with plain HTTP and manual redirects, then a real Salesforce call with the new token.
 */
describe('OAuth Connect', () => {
  let store: Store;
  let salesforce: SalesforceFake;
  let authServer: OAuthAuthorizationServer;
  let api: { url: string; close(): Promise<void> };
  let writer: string;
  const published: EngineEvent[] = [];

  beforeAll(async () => {
    store = await openTestStore(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-oauth-')), 'store.db')}`);
    salesforce = await new SalesforceFake().start();
    authServer = await new OAuthAuthorizationServer({ clientId: 'sf-connect-client', clientSecret: 'sf-connect-secret', redirectUri: '(set below)' }, () => salesforce.issueSession()).start();
    const config = parseConfig({
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-oauth-data-')),
      SWITCHYARD_SECRET_KEY: testSecretKey.toString('base64'),
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.0/8',
      SWITCHYARD_OAUTH_SALESFORCE_CLIENT_ID: 'sf-connect-client',
      SWITCHYARD_OAUTH_SALESFORCE_CLIENT_SECRET: 'sf-connect-secret',
      SWITCHYARD_OAUTH_SALESFORCE_AUTHORIZE_URL: authServer.authorizeUrl,
      SWITCHYARD_OAUTH_SALESFORCE_TOKEN_URL: authServer.tokenUrl,
    });
    const events = createEngineEvents();
    events.subscribe((e) => void published.push(e));
    const management = await managementApi({
      config,
      store,
      // Temporal is only asked for waiting runs and activity, which these tests do not read.
      client: {} as Client,
      plans: new PlanCache(store.recipes),
      logger: { info() {}, warn() {}, error() {}, debug() {} } as never,
      events,
      registry,
      inbox: {} as Inbox,
      routeGroups: [connectorRoutes()],
    });
    api = await serve([management.router, management.oauthCallback]);
    authServer.client.redirectUri = `${api.url}/oauth/callback`;
    writer = (await management.tokens.create({ name: 'console', scopes: ['connections:read', 'connections:write'] })).secret;
  });
  afterAll(async () => {
    await api.close();
    await authServer.close();
    await salesforce.close();
    await store.close();
  });

  const start = (body: Record<string, unknown>) => call(api.url, 'POST', '/api/v1/connections/oauth/start', { token: writer, body });
  /** The browser at the consent page: the authorization server's redirect (302) back to the callback. */
  const consent = async (authorizeUrl: string, decision?: 'approve' | 'deny') => {
    const url = new URL(authorizeUrl);
    if (decision) url.searchParams.set('consent', decision);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  };
  /** The browser following the vendor's redirect to the callback: Switchyard's 303 (or its 400 page). */
  const callback = async (url: URL | string, accept = 'text/html') => {
    const res = await fetch(url, { redirect: 'manual', headers: { accept } });
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), text, json: () => JSON.parse(text) as { error: { code: string; message: string } } };
  };
  const consoleParams = (location: string | null) => new URL(location!, api.url);
  const rawRows = async () => JSON.stringify([(await sql`select * from connections`.execute(store.db)).rows, (await sql`select * from oauth_authorizations`.execute(store.db)).rows]);

  it('start → consent → callback stores the tokens sealed, and a real Salesforce call works with them', async () => {
    const started = await start({ connector: 'salesforce', connectionId: 'sf-connect', label: 'Salesforce (prod)' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ scopes: ['api', 'refresh_token'], redirectUri: `${api.url}/oauth/callback` });
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.origin + authorize.pathname).toBe(authServer.authorizeUrl);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'sf-connect-client',
      redirect_uri: `${api.url}/oauth/callback`,
      scope: 'api refresh_token',
      prompt: 'login consent',
      state: started.body.state,
      code_challenge_method: 'S256',
    });
    expect(Date.parse(started.body.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    const back = await consent(started.body.authorizeUrl);
    expect(back.searchParams.get('state')).toBe(started.body.state);
    const code = back.searchParams.get('code')!;
    const done = await callback(back);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/apps/sf-connect?connected=1');

    const connection = await call(api.url, 'GET', '/api/v1/connections/sf-connect', { token: writer });
    expect(connection.body).toMatchObject({ id: 'sf-connect', connector: 'salesforce', name: 'Salesforce (prod)', status: 'connected' });
    const credentials = (await store.connections.credentials('sf-connect')) as Record<string, string>;
    expect(credentials).toMatchObject({ clientId: 'sf-connect-client', clientSecret: 'sf-connect-secret', tokenUrl: authServer.tokenUrl, instanceUrl: salesforce.instanceUrl });
    expect(salesforce.accessTokens.has(credentials.accessToken!)).toBe(true);
    expect(authServer.refreshTokens.has(credentials.refreshToken!)).toBe(true);
    // Sealed at rest: neither token, the code, the state nor the PKCE verifier is in any row.
    const rows = await rawRows();
    for (const secret of [credentials.accessToken!, credentials.refreshToken!, code, started.body.state, 'sf-connect-secret']) expect(rows).not.toContain(secret);

    // The connector's validate call (GET /limits) and an action, both with the new token.
    const tested = await call(api.url, 'POST', '/api/v1/connections/sf-connect/test', { token: writer });
    expect(tested.body).toMatchObject({ ok: true });
    const { connector, action } = registry.getAction('salesforce.createRecord')!;
    const lookup = (await store.connections.lookup('sf-connect'))!;
    const bound = lookup.open();
    const created = await callWithConnection(connector, lookup.connection, bound, connector.auth.credentials.parse(bound.credentials), { egressAllow: ['127.0.0.0/8'], connections: store.connections, purpose: 'test', timeoutMs: 10_000 }, (ctx) =>
      action.run(ctx, { type: 'Contact', fields: { LastName: 'Lovelace' } }),
    );
    expect(salesforce.find((created as { id: string }).id)?.record).toMatchObject({ LastName: 'Lovelace' });

    // The same callback again (a reload, a replay): the state is used; refused, nothing changes.
    const again = await callback(back);
    expect(again.status).toBe(400);
    expect(again.text).toContain('used already');
    const againJson = await callback(back, 'application/json');
    expect(againJson.status).toBe(400);
    expect(againJson.json().error.code).toBe('state_used');
    expect(await store.connections.credentials('sf-connect')).toEqual(credentials);

    // A reused code under a fresh state: the token endpoint says invalid_grant.
    const second = await start({ connector: 'salesforce', connectionId: 'sf-reused-code' });
    const reused = await callback(`${api.url}/oauth/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(second.body.state)}`);
    expect(reused.status).toBe(303);
    const params = consoleParams(reused.location);
    expect(params.pathname).toBe('/apps/sf-reused-code');
    expect(params.searchParams.get('oauth_error')).toBe('invalid_grant');
    expect(params.searchParams.get('message')).toContain('already used');
    expect(await store.connections.get('sf-reused-code')).toBeUndefined();
  });

  it('refuses an unknown state (400, nothing stored) and answers JSON when asked', async () => {
    const page = await callback(`${api.url}/oauth/callback?code=abc&state=forged`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('unknown to Switchyard');
    const json = await callback(`${api.url}/oauth/callback?code=abc&state=forged`, 'application/json');
    expect(json.status).toBe(400);
    expect(json.json().error.code).toBe('state_unknown');
    expect((await callback(`${api.url}/oauth/callback?code=abc`, 'application/json')).json().error.code).toBe('invalid_state');
  });

  it('a state past its ten minutes is expired; claimed once, it is used', async () => {
    const at = new Date('2026-11-30T10:00:00.000Z');
    const pending = { connector: 'salesforce', connectionId: 'sf-late', label: null, baseUrl: null, scopes: [], redirectUri: `${api.url}/oauth/callback`, tokenId: 't', codeVerifier: 'v'.repeat(43), expiresAt: new Date(at.getTime() + 10 * 60_000) };
    await store.oauthAuthorizations.create('late-state', pending, at);
    expect(await store.oauthAuthorizations.claim('late-state', new Date(at.getTime() + 10 * 60_000 + 1))).toBe('expired');
    await store.oauthAuthorizations.create('prompt-state', pending, at);
    expect(await store.oauthAuthorizations.claim('prompt-state', new Date(at.getTime() + 60_000))).toMatchObject({ connectionId: 'sf-late', codeVerifier: 'v'.repeat(43) });
    expect(await store.oauthAuthorizations.claim('prompt-state', new Date(at.getTime() + 61_000))).toBe('used');
  });

  it('denied consent: a clear message on the console page, nothing stored', async () => {
    const started = await start({ connector: 'salesforce', connectionId: 'sf-denied' });
    const back = await consent(started.body.authorizeUrl, 'deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    const done = await callback(back);
    expect(done.status).toBe(303);
    const params = consoleParams(done.location);
    expect(params.pathname).toBe('/apps/sf-denied');
    expect(params.searchParams.get('oauth_error')).toBe('access_denied');
    expect(params.searchParams.get('message')).toMatch(/^consent was denied at the vendor; nothing was stored/);
    expect(await store.connections.get('sf-denied')).toBeUndefined();
  });

  it('refuses a code exchanged with another authorization’s PKCE verifier', async () => {
    const a = await start({ connector: 'salesforce', connectionId: 'sf-pkce-a' });
    const b = await start({ connector: 'salesforce', connectionId: 'sf-pkce-b' });
    const codeA = (await consent(a.body.authorizeUrl)).searchParams.get('code')!;
    const done = await callback(`${api.url}/oauth/callback?code=${encodeURIComponent(codeA)}&state=${encodeURIComponent(b.body.state)}`, 'application/json');
    expect(done.status).toBe(400);
    expect(done.json().error).toMatchObject({ code: 'invalid_grant' });
    expect(done.json().error.message).toContain('PKCE verification failed');
    expect(await store.connections.get('sf-pkce-b')).toBeUndefined();
  });

  it('maps invalid_client from the token endpoint to a message naming the variables', async () => {
    const started = await start({ connector: 'salesforce', connectionId: 'sf-bad-client' });
    const back = await consent(started.body.authorizeUrl);
    authServer.client.clientSecret = 'rotated-at-the-vendor';
    try {
      const done = await callback(back);
      const params = consoleParams(done.location);
      expect(params.searchParams.get('oauth_error')).toBe('invalid_client');
      expect(params.searchParams.get('message')).toContain('SWITCHYARD_OAUTH_SALESFORCE_CLIENT_ID and _CLIENT_SECRET');
    } finally {
      authServer.client.clientSecret = 'sf-connect-secret';
    }
    expect(await store.connections.get('sf-bad-client')).toBeUndefined();
  });

  it('answers 409 naming the variables when the vendor’s OAuth client is not configured, 422 for connectors without Connect', async () => {
    const missing = await start({ connector: 'hubspot', connectionId: 'hs-1' });
    expect(missing.status).toBe(409);
    expect(missing.body.error).toMatchObject({ code: 'oauth_client_not_configured', details: { variables: ['SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID', 'SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET'] } });
    expect(missing.body.error.message).toContain('SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID and SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET');
    const google = await start({ connector: 'google-sheets', connectionId: 'gs-1' });
    expect(google.body.error.message).toContain('SWITCHYARD_OAUTH_GOOGLE_CLIENT_ID');
    const jira = await start({ connector: 'jira', connectionId: 'jira-1' });
    expect(jira.status).toBe(422);
    expect(jira.body.error.code).toBe('oauth_not_supported');
  });

  it('reconnect keeps the id, replaces the credentials and restores a disconnected connection', async () => {
    const first = await start({ connector: 'salesforce', connectionId: 'sf-reconnect' });
    await callback(await consent(first.body.authorizeUrl));
    const before = (await store.connections.credentials('sf-reconnect')) as { accessToken: string };
    await store.connections.setStatus('sf-reconnect', 'disconnected', '401 from Salesforce: Session expired or invalid');
    const wrongConnector = await start({ connector: 'google-drive', connectionId: 'sf-reconnect' });
    expect(wrongConnector.status).toBe(409);

    const again = await start({ connector: 'salesforce', connectionId: 'sf-reconnect' });
    const done = await callback(await consent(again.body.authorizeUrl));
    expect(done.location).toBe('/apps/sf-reconnect?connected=1');
    const after = await store.connections.get('sf-reconnect');
    expect(after).toMatchObject({ id: 'sf-reconnect', status: 'connected', statusReason: null });
    expect(((await store.connections.credentials('sf-reconnect')) as { accessToken: string }).accessToken).not.toBe(before.accessToken);
    // connection.restored is what wakes the runs waiting on it (src/engine/connection-restored.ts).
    expect(published.filter((e) => e.topic === 'connection.restored').map((e) => e.data)).toEqual([{ connectionId: 'sf-reconnect', connector: 'salesforce', reason: 'reconnected through OAuth Connect' }]);
  });

  it('two Connects of the same new connection finishing together make one connection, holding the last grant', async () => {
    const tabs = await Promise.all([1, 2].map(() => start({ connector: 'salesforce', connectionId: 'sf-two-tabs' })));
    const backs = await Promise.all(tabs.map((t) => consent(t.body.authorizeUrl)));
    const done = await Promise.all(backs.map((b) => callback(b)));
    expect(done.map((d) => d.location)).toEqual(['/apps/sf-two-tabs?connected=1', '/apps/sf-two-tabs?connected=1']);
    expect((await store.connections.list()).filter((c) => c.id === 'sf-two-tabs')).toHaveLength(1);
    const credentials = (await store.connections.credentials('sf-two-tabs')) as { accessToken: string };
    expect(salesforce.accessTokens.has(credentials.accessToken)).toBe(true);
  });

  it('`switchyard connections connect --wait` prints the consent URL and returns once the browser finished', async () => {
    const lines: string[] = [];
    let browser: Promise<unknown> | undefined;
    const program = new Command().exitOverride();
    registerConnectionsCommand(program, {
      client: () => new ApiClient(api.url, writer),
      print: (line) => {
        lines.push(line);
        // The person opens the printed URL: consent, then the vendor's redirect to the callback.
        if (line.startsWith(authServer.authorizeUrl)) browser = consent(line).then((back) => callback(back));
      },
    });
    await program.parseAsync(['node', 'switchyard', 'connections', 'connect', 'salesforce', '--id', 'sf-cli', '--label', 'From the CLI', '--wait']);
    await browser;
    expect(lines[0]).toMatch(/^open this URL in a browser to connect sf-cli \(salesforce\); it expires at /);
    expect(lines.at(-1)).toBe('connected sf-cli (salesforce)');
    expect(await store.connections.get('sf-cli')).toMatchObject({ name: 'From the CLI', status: 'connected' });
  });

  it('shows the scopes before consent and documents both routes', async () => {
    const sf = await call(api.url, 'GET', '/api/v1/connectors/salesforce', { token: writer });
    expect(sf.body.auth.oauth2).toMatchObject({ authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize', scopes: ['api', 'refresh_token'] });
    const doc = await call(api.url, 'GET', '/openapi.json');
    expect(doc.body.paths['/api/v1/connections/oauth/start'].post['x-required-scope']).toBe('connections:write');
    expect(doc.body.paths['/oauth/callback'].get.security).toEqual([]);
  });
});
