import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor } from '../support/temporal';
import { call } from './api-harness';

/** Intercom's POST /tags: 401 for any token but the current good one; records each call. */
async function fakeIntercom() {
  const calls: { status: number; name: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { name } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string };
      const ok = req.headers.authorization === 'Bearer good-token';
      calls.push({ status: ok ? 200 : 401, name });
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { type: 'tag', id: String(calls.length), name } : { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Issue 5's auth-lost flow (with the Intercom connector): 401 → disconnected + waiting → new credentials → completes once. */
describe('auth-lost flow', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  let engine: TestEngine;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let intercom: Awaited<ReturnType<typeof fakeIntercom>>;

  beforeAll(async () => {
    intercom = await fakeIntercom();
    engine = await startTestEngine('authlost', { SWITCHYARD_ADMIN_TOKEN: admin });
    ({ store, client, api } = engine);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await intercom?.close();
  });

  it('stops on 401, marks the connection disconnected with the reason, waits, and completes once after new credentials', async () => {
    const connectionId = `intercom-${randomBytes(3).toString('hex')}`;
    await call(api.url, 'POST', '/api/v1/connections', {
      token: admin,
      body: { id: connectionId, connector: 'intercom', name: 'Intercom', credentials: { accessToken: 'revoked-token' }, baseUrl: intercom.url },
    });
    const recipe = {
      id: `tag-${connectionId}`,
      name: 'Tag on posted event',
      trigger: { type: 'event', event: `auth.${connectionId}` },
      steps: [{ id: 'tag', action: 'intercom.tag', connection: connectionId, input: { name: 'urgent', contacts: ['c-1'] } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([[connectionId, 'intercom']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    api.plans.invalidate();

    const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic: `auth.${connectionId}`, id: 'e1', data: {} } });
    expect(posted.status).toBe(202);
    const handle = client.workflow.getHandle(posted.body.runs[0].runId);

    const disconnected = await waitFor(async () => {
      const c = (await call(api.url, 'GET', `/api/v1/connections/${connectionId}`, { token: admin })).body;
      return c.status === 'disconnected' && c.waitingRuns === 1 ? c : undefined;
    }, 'the connection to turn disconnected with one waiting run');
    expect(disconnected.statusReason).toMatch(/401/);
    expect((await handle.query<{ status: string }>('state')).status).toBe('waiting');
    // auth_lost is not retried: exactly one call so far, refused.
    expect(intercom.calls).toEqual([{ status: 401, name: 'urgent' }]);
    const activity = (await call(api.url, 'GET', `/api/v1/connections/${connectionId}/activity`, { token: admin })).body.entries;
    expect(activity).toHaveLength(1);
    expect(activity[0]).toMatchObject({ stepId: 'tag', action: 'intercom.tag', status: 'waiting', runStatus: 'waiting' });

    const events: string[] = [];
    api.events.subscribe((e) => void events.push(e.topic));
    const updated = await call(api.url, 'PATCH', `/api/v1/connections/${connectionId}`, { token: admin, body: { credentials: { accessToken: 'good-token' } } });
    expect(updated.body).toMatchObject({ status: 'connected', statusReason: null });
    expect(events).toEqual(['connection.restored']);
    expect(((await handle.result()) as { status: string }).status).toBe('succeeded');
    expect(intercom.calls.filter((c) => c.status === 200)).toHaveLength(1);
  });
});
