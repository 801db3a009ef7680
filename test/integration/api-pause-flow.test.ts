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

/** Intercom's POST /tags, counting calls. */
async function fakeIntercom() {
  const names: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { name } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string };
      names.push(name);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'tag', id: String(names.length), name }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, names, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Issue 5's pause flow: pause, 5 events accepted and waiting, resume, all 5 complete once. */
describe('pause flow', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  let engine: TestEngine;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let intercom: Awaited<ReturnType<typeof fakeIntercom>>;

  beforeAll(async () => {
    intercom = await fakeIntercom();
    engine = await startTestEngine('pause', { SWITCHYARD_ADMIN_TOKEN: admin });
    ({ store, client, api } = engine);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await intercom?.close();
  });

  it('keeps 5 events waiting while paused, and completes all 5 after resume', async () => {
    const connectionId = `intercom-${randomBytes(3).toString('hex')}`;
    const created = await call(api.url, 'POST', '/api/v1/connections', {
      token: admin,
      body: { id: connectionId, connector: 'intercom', name: 'Intercom', credentials: { accessToken: 'tok_live_example' }, baseUrl: intercom.url },
    });
    expect(created.status).toBe(201);
    const recipe = {
      id: `tag-${connectionId}`,
      name: 'Tag on posted event',
      trigger: { type: 'event', event: `paused.${connectionId}` },
      steps: [{ id: 'tag', action: 'intercom.tag', connection: connectionId, input: { name: '{{ trigger.n }}', contacts: ['c-1'] } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([[connectionId, 'intercom']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    api.plans.invalidate();

    expect((await call(api.url, 'POST', `/api/v1/connections/${connectionId}/pause`, { token: admin })).body.status).toBe('paused');
    const runIds: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic: `paused.${connectionId}`, id: `e${n}`, data: { n: `tag-${n}` } } });
      expect(posted.status).toBe(202);
      runIds.push(posted.body.runs[0].runId);
    }
    await waitFor(async () => (await call(api.url, 'GET', `/api/v1/connections/${connectionId}`, { token: admin })).body.waitingRuns === 5, '5 runs waiting on the paused connection');
    for (const id of runIds) expect((await client.workflow.getHandle(id).query<{ status: string }>('state')).status).toBe('waiting');
    expect(intercom.names).toEqual([]);

    expect((await call(api.url, 'POST', `/api/v1/connections/${connectionId}/resume`, { token: admin })).body.status).toBe('connected');
    const results = await Promise.all(runIds.map((id) => client.workflow.getHandle(id).result() as Promise<{ status: string }>));
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect([...intercom.names].sort()).toEqual(['tag-1', 'tag-2', 'tag-3', 'tag-4', 'tag-5']);

    // The connection's activity log, derived from those runs, and its exports.
    const activity = await call(api.url, 'GET', `/api/v1/connections/${connectionId}/activity`, { token: admin });
    expect(activity.status).toBe(200);
    expect(activity.body.entries).toHaveLength(5);
    expect(new Set(activity.body.entries.map((e: { runId: string }) => e.runId))).toEqual(new Set(runIds));
    for (const entry of activity.body.entries) expect(entry).toMatchObject({ stepId: 'tag', action: 'intercom.tag', status: 'succeeded', runStatus: 'succeeded', error: null });
    const ndjson = await fetch(`${api.url}/api/v1/connections/${connectionId}/activity?format=ndjson`, { headers: { authorization: `Bearer ${admin}` } });
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    expect((await ndjson.text()).trim().split('\n').map((l) => JSON.parse(l).runId).sort()).toEqual([...runIds].sort());
    const csv = await fetch(`${api.url}/api/v1/connections/${connectionId}/activity?format=csv&limit=2`, { headers: { authorization: `Bearer ${admin}` } });
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toBe('runId,recipeId,startedAt,closedAt,runStatus,stepId,action,status,attempts,errorKind,errorMessage');
    expect(rows).toHaveLength(3);
  });
});
