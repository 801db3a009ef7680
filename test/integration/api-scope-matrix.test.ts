import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import { parseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { apiScopes, type ApiScope } from '../../src/security/scopes';
import type { Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { call } from '../support/api-harness';

/** Every (method, path) an express router really serves, found by walking its layers. */
function mountedRoutes(router: Router): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths: string[] = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) for (const method of Object.keys(layer.route.methods)) out.push({ method, path: p });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as { stack: any[] }).stack);
  return out;
}

/** The API exactly as `switchyard api` serves it: every route group startApi mounts is covered. */
describe('management API surface (as startApi mounts it)', () => {
  const config = parseConfig({
    PORT: '0',
    SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-matrix-')),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `matrix-${randomBytes(4).toString('hex')}`,
    SWITCHYARD_API_RATE_LIMIT: '100000',
    SWITCHYARD_IDENTITY_SECRET: 'identity-secret-0123456789',
    LOG_LEVEL: 'silent',
  });
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  const tokenFor = new Map<ApiScope, string>();

  beforeAll(async () => {
    store = await openConfiguredStore(config);
    client = await connectClient(temporalTarget(config));
    api = await startApi({ config, logger: createLogger('silent'), store, client });
    for (const scope of apiScopes) tokenFor.set(scope, (await api.tokens.create({ name: `only ${scope}`, scopes: [scope] })).secret);
  });
  afterAll(async () => {
    await api.close();
    await client.connection.close();
    await store.close();
  });

  it('scope matrix: every route × every scope — 0 allowed outside scope, 0 denied inside', async () => {
    const operations = [
      ...api.routes.map((r) => ({ method: r.method, path: r.path, scope: r.scope })),
      { method: 'post', path: '/codec/decode', scope: 'runs:read' as ApiScope },
      { method: 'post', path: '/codec/encode', scope: 'runs:write' as ApiScope },
    ];
    expect(operations.length).toBeGreaterThanOrEqual(32);
    const covered = operations.map((o) => `${o.method} ${o.path}`);
    const recipesAndRuns = [
      ...['get /recipes', 'post /recipes/validate', 'get /recipes/:id', 'put /recipes/:id', 'delete /recipes/:id', 'post /recipes/:id/enable', 'post /recipes/:id/disable', 'get /recipes/:id/versions', 'get /recipes/:id/versions/:version', 'post /recipes/:id/test'],
      ...['get /runs', 'get /runs/export', 'get /runs/:id', 'post /runs/:id/cancel', 'post /runs/:id/approve', 'post /runs/:id/signal'],
    ].map((op) => op.replace(' /', ' /api/v1/'));
    expect(covered).toEqual(expect.arrayContaining(recipesAndRuns));
    const matrixStart = new Date().toISOString();
    const allowedOutside: string[] = [];
    const deniedInside: string[] = [];
    const serverErrors: string[] = [];
    for (const op of operations) {
      // The logs read runs across the namespace this suite shares with every other test: a window
      // that starts now keeps each answer about the scope, not about other tests' runs.
      const window = op.path.startsWith('/api/v1/logs/') ? `?since=${encodeURIComponent(matrixStart)}` : '';
      const target = op.path.replace(/:[A-Za-z_]+/g, 'matrix-missing') + window;
      for (const scope of apiScopes) {
        const answer = await call(api.url, op.method.toUpperCase(), target, { token: tokenFor.get(scope)!, body: op.method === 'get' || op.method === 'delete' ? undefined : {} });
        const label = `${op.method.toUpperCase()} ${op.path} with ${scope} → ${answer.status}`;
        if (answer.status >= 500) serverErrors.push(label);
        if (scope === op.scope) {
          if (answer.status === 401 || answer.status === 403) deniedInside.push(label);
        } else if (answer.status !== 403 || answer.body?.error?.details?.required !== op.scope) {
          allowedOutside.push(label);
        }
      }
    }
    expect(allowedOutside).toEqual([]);
    expect(deniedInside).toEqual([]);
    expect(serverErrors).toEqual([]);
  });

  it('every mounted /api/v1 route is in /openapi.json with its scope and request schema', async () => {
    // The server's listener is the draining gate around the express app.
    const { app } = api.server.listeners('request')[0] as unknown as { app: { router: Router } };
    const mounted = mountedRoutes(app.router).filter((r) => r.path.startsWith('/api/v1/'));
    expect(mounted.length).toBeGreaterThanOrEqual(api.routes.length);
    const doc = (await call(api.url, 'GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const missing = mounted.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`).filter((key) => !documented.includes(key));
    expect(missing).toEqual([]);
    // Besides /api/v1, only the public OAuth Connect callback (no token; its state is the authority).
    expect(documented.filter((key) => !key.includes(' /api/v1/'))).toEqual(['get /oauth/callback']);
    expect(documented.length).toBe(mounted.length + 1);
    for (const route of api.routes) {
      const op = doc.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')][route.method];
      expect(op['x-required-scope']).toBe(route.scope);
    }
    const create = doc.paths['/api/v1/connections'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['id', 'connector', 'name']));
    expect(doc.paths['/api/v1/connections/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
  });

  it('unknown routes are 404 JSON and malformed JSON is 400 naming the position', async () => {
    const admin = tokenFor.get('tokens:admin')!;
    const unknown = await call(api.url, 'GET', '/api/v1/nothing-here', { token: admin });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const malformed = await call(api.url, 'POST', '/api/v1/tokens', { token: admin, body: '{"name": "x",, }' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/position \d+/);
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});
