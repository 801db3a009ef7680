import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../connectors/registry';
import { mountRoutes } from '../../src/http/api/route';
import { connectorRoutes } from '../../src/http/connectors-routes';
import type { ApiToken } from '../../src/store/tokens';
import { call, serve } from '../support/api-harness';

/** The catalog routes through the real route mounting (scope check, query validation, error body); auth is stubbed to a token. */
describe('GET /api/v1/connectors', () => {
  let api: Awaited<ReturnType<typeof serve>>;
  const token = (scopes: ApiToken['scopes']): ApiToken => ({ id: 't', name: 't', prefix: 'sy_x', scopes, expiresAt: null, revokedAt: null, createdAt: '', rotatedAt: null, previousValidUntil: null });
  let scopes: ApiToken['scopes'] = ['connections:read'];

  beforeAll(async () => {
    api = await serve([
      mountRoutes(connectorRoutes(), [
        (_req, res, next) => {
          res.locals.apiToken = token(scopes);
          next();
        },
      ]),
    ]);
  });
  afterAll(() => api?.close());

  it('lists and filters', async () => {
    const all = await call(api.url, 'GET', '/api/v1/connectors');
    expect(all.status).toBe(200);
    expect(all.body.connectors.length).toBe(registry.listConnectors().length);
    const res = await call(api.url, 'GET', '/api/v1/connectors?category=Support&q=jira');
    expect(res.body.connectors.map((c: { id: string }) => c.id)).toEqual(['jira']);
    const support = await call(api.url, 'GET', '/api/v1/connectors?category=Support');
    expect(support.body.connectors.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['intercom', 'jira']));
    expect((await call(api.url, 'GET', '/api/v1/connectors?category=Productivity')).body.connectors.map((c: { id: string }) => c.id)).not.toContain('jira');
    const intercom = (await call(api.url, 'GET', '/api/v1/connectors?q=intercom')).body.connectors[0];
    expect(intercom).toMatchObject({ id: 'intercom', webhookSchemes: [{ scheme: 'hub-sha1', headers: ['X-Hub-Signature'] }] });
    expect(res.body.connectors[0].webhookSchemes).toEqual([]);
  });

  it('rejects a bad or repeated query parameter with a 400 naming it', async () => {
    const res = await call(api.url, 'GET', '/api/v1/connectors?category=Games');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_query', message: expect.stringMatching(/^query\.category: /), details: { issues: [{ path: 'query.category', parameter: 'category' }] } });
    const twice = await call(api.url, 'GET', '/api/v1/connectors?q=jira&q=slack');
    expect(twice).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', message: 'query.q: given 2 times; expected one value' } } });
  });

  it('details one connector, 404 names the known ones', async () => {
    const slack = await call(api.url, 'GET', '/api/v1/connectors/slack');
    expect(slack.body.actions[0]).toMatchObject({ type: 'slack.postMessage', input: { type: 'object' }, sample: { ok: true } });
    const missing = await call(api.url, 'GET', '/api/v1/connectors/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'unknown_connector', message: expect.stringContaining('intercom') });
  });

  it('needs connections:read', async () => {
    scopes = ['runs:read'];
    try {
      expect((await call(api.url, 'GET', '/api/v1/connectors')).status).toBe(403);
    } finally {
      scopes = ['connections:read'];
    }
  });
});
