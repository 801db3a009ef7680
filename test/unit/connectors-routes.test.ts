import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../connectors/registry';
import { mountRoutes } from '../../src/http/api/route';
import { connectorRoutes } from '../../src/http/connectors-routes';
import type { ApiToken } from '../../src/store/tokens';
import { call, serve } from '../integration/api-harness';

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
    const res = await call(api.url, 'GET', '/api/v1/connectors?category=Productivity&q=jira');
    expect(res.body.connectors.map((c: { id: string }) => c.id)).toEqual(['jira']);
  });

  it('rejects an unknown category naming the query field', async () => {
    const res = await call(api.url, 'GET', '/api/v1/connectors?category=Games');
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('category');
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
