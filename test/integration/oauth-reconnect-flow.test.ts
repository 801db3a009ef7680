import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import type { OAuthAuthorizationServer } from '../../sandbox/oauth-authorization-server';
import type { SalesforceFake } from '../../sandbox/salesforce-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor } from '../support/temporal';
import { call } from '../support/api-harness';
import { startSalesforceConsent, type SalesforceConsent } from '../support/salesforce-consent';

/**
 * Reconnect through OAuth Connect on the whole engine (API as `switchyard api` mounts it, worker,
 * Temporal): a Salesforce connection made by consent loses its grant (access and refresh tokens
 * revoked), its run waits; Connect again for the same id and the run completes, one record.
 */
describe('OAuth reconnect resumes the waiting run', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  let engine: TestEngine;
  let store: Store;
  let api: ApiHandle;
  let consent: SalesforceConsent;
  let salesforce: SalesforceFake;
  let authServer: OAuthAuthorizationServer;

  beforeAll(async () => {
    consent = await startSalesforceConsent('sf-app');
    ({ salesforce, authServer } = consent);
    engine = await startTestEngine('oauthreconnect', { SWITCHYARD_ADMIN_TOKEN: admin, ...consent.env });
    ({ store, api } = engine);
    consent.redirectTo(api.url);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await consent?.close();
  });

  const get = async (path: string) => {
    const answer = await call(api.url, 'GET', path, { token: admin });
    expect(answer.status, `GET ${path}`).toBe(200);
    return answer.body;
  };

  /** The console's Connect button, then the person's browser: consent page, vendor redirect, Switchyard's redirect. */
  const connect = async (connectionId: string) => {
    const started = await call(api.url, 'POST', '/api/v1/connections/oauth/start', { token: admin, body: { connector: 'salesforce', connectionId } });
    expect(started.status).toBe(201);
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const done = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    expect(done.status).toBe(303);
    return done.headers.get('location');
  };

  it('a run waiting on a connection whose grant was revoked completes after Connect again', async () => {
    const connectionId = `sf-${randomBytes(3).toString('hex')}`;
    expect(await connect(connectionId)).toBe(`/apps/${connectionId}?connected=1`);

    const recipe = {
      id: `contact-${connectionId}`,
      name: 'Salesforce contact on posted event',
      trigger: { type: 'event', event: `oauth.${connectionId}` },
      steps: [{ id: 'contact', action: 'salesforce.createRecord', connection: connectionId, input: { type: 'Contact', fields: { LastName: 'Lovelace' } } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([[connectionId, 'salesforce']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    api.plans.invalidate();

    // The admin revokes the app in Salesforce: sessions end and the refresh token is refused.
    salesforce.revokeTokens();
    authServer.refreshTokens.clear();
    const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic: `oauth.${connectionId}`, id: 'e1', data: {} } });
    expect(posted.status).toBe(202);
    const runPath = `/api/v1/runs/${encodeURIComponent(posted.body.runs[0].runId)}`;
    await waitFor(async () => {
      const c = await get(`/api/v1/connections/${connectionId}`);
      return c.status === 'disconnected' && c.waitingRuns === 1 ? c : undefined;
    }, 'the connection to turn disconnected with one waiting run');
    expect(salesforce.all('Contact')).toHaveLength(0);

    const events: string[] = [];
    api.events.subscribe((e) => void events.push(e.topic));
    expect(await connect(connectionId)).toBe(`/apps/${connectionId}?connected=1`);
    expect(await get(`/api/v1/connections/${connectionId}`)).toMatchObject({ id: connectionId, status: 'connected', statusReason: null });
    expect(events.filter((t) => t === 'connection.restored')).toHaveLength(1);

    const done = await waitFor(async () => {
      const run = await get(runPath);
      return run.status === 'succeeded' ? run : undefined;
    }, 'the resumed run to succeed');
    expect(done.steps[0]).toMatchObject({ id: 'contact', status: 'succeeded' });
    expect(salesforce.all('Contact').map((c) => c.LastName)).toEqual(['Lovelace']);
  });
});
