import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { waitFor, runResult } from '../support/temporal';
import { call } from '../support/api-harness';

/** Issue 5's pause flow: pause, 5 signed webhooks accepted and waiting, resume, all 5 complete once. */
describe('pause flow', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  let engine: TestEngine;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let intercom: IntercomFake;
  const clientSecret = randomBytes(16).toString('hex');

  beforeAll(async () => {
    intercom = await new IntercomFake().start();
    engine = await startTestEngine('pause', { SWITCHYARD_ADMIN_TOKEN: admin });
    ({ store, client, api } = engine);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await intercom?.close();
  });

  it('keeps 5 webhook runs waiting while paused, and completes all 5 after resume', async () => {
    const connectionId = `intercom-${randomBytes(3).toString('hex')}`;
    const created = await call(api.url, 'POST', '/api/v1/connections', {
      token: admin,
      body: { id: connectionId, connector: 'intercom', name: 'Intercom', credentials: { accessToken: 'intercom-token', clientSecret }, baseUrl: intercom.url },
    });
    expect(created.status).toBe(201);
    const recipe = {
      id: `tag-${connectionId}`,
      name: 'Tag each new conversation',
      trigger: { type: 'webhook', connection: connectionId, event: 'conversation.user.created' },
      steps: [{ id: 'tag', action: 'intercom.tag', connection: connectionId, input: { name: '{{ trigger.data.item.id }}', contacts: ['c-1'] } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([[connectionId, 'intercom']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    api.plans.invalidate();

    expect((await call(api.url, 'POST', `/api/v1/connections/${connectionId}/pause`, { token: admin })).body.status).toBe('paused');
    const runIds: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const body = intercomNotification('conversation.user.created', { type: 'conversation', id: `tag-${n}` });
      const posted = await postIntercomWebhook(api.url, connectionId, body, clientSecret);
      expect(posted.status).toBe(202);
      runIds.push(((await posted.json()) as { runs: { runId: string }[] }).runs[0]!.runId);
    }
    await waitFor(async () => (await call(api.url, 'GET', `/api/v1/connections/${connectionId}`, { token: admin })).body.waitingRuns === 5, '5 runs waiting on the paused connection');
    for (const id of runIds) expect((await call(api.url, 'GET', `/api/v1/runs/${encodeURIComponent(id)}`, { token: admin })).body.status).toBe('waiting');
    const tagCalls = () => intercom.received('POST', '/tags').map((r) => (r.body as { name: string }).name);
    expect(tagCalls()).toEqual([]);

    expect((await call(api.url, 'POST', `/api/v1/connections/${connectionId}/resume`, { token: admin })).body.status).toBe('connected');
    const results = await Promise.all(runIds.map((id) => runResult<{ status: string }>(client, id)));
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(tagCalls().sort()).toEqual(['tag-1', 'tag-2', 'tag-3', 'tag-4', 'tag-5']);
    expect(intercom.tags.map((t) => t.name).sort()).toEqual(['tag-1', 'tag-2', 'tag-3', 'tag-4', 'tag-5']);

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
