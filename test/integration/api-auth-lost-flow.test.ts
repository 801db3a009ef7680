import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import { JiraFake } from '../../sandbox/jira-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor } from '../support/temporal';
import { call } from '../support/api-harness';

/** Issue 5's auth-lost flow on the Jira fake: 401 → disconnected + waiting → new credentials → completes with one issue. */
describe('auth-lost flow', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const user = 'bot@example.com';
  let engine: TestEngine;
  let store: Store;
  let api: ApiHandle;
  let jira: JiraFake;

  beforeAll(async () => {
    jira = await new JiraFake().start();
    engine = await startTestEngine('authlost', { SWITCHYARD_ADMIN_TOKEN: admin });
    ({ store, api } = engine);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await jira?.close();
  });

  const get = async (path: string) => {
    const answer = await call(api.url, 'GET', path, { token: admin });
    expect(answer.status, `GET ${path}`).toBe(200);
    return answer.body;
  };

  it('stops on 401, marks the connection disconnected with the reason, waits, and completes once after new credentials', async () => {
    const connectionId = `jira-${randomBytes(3).toString('hex')}`;
    const credentials = (password: string) => ({ username: user, password, siteUrl: 'https://acme.atlassian.net' });
    jira.issueToken(user, 'first-token');
    const created = await call(api.url, 'POST', '/api/v1/connections', {
      token: admin,
      body: { id: connectionId, connector: 'jira', name: 'Jira (prod)', credentials: credentials('first-token'), baseUrl: jira.url },
    });
    expect(created.status).toBe(201);
    expect((await call(api.url, 'POST', `/api/v1/connections/${connectionId}/test`, { token: admin })).body).toMatchObject({ ok: true });

    const recipe = {
      id: `issue-${connectionId}`,
      name: 'Jira issue on posted event',
      trigger: { type: 'event', event: `auth.${connectionId}` },
      steps: [{ id: 'issue', action: 'jira.createIssue', connection: connectionId, input: { project: 'SUP', summary: 'Customer cannot log in' } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([[connectionId, 'jira']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    api.plans.invalidate();

    // Someone revokes the API token in Atlassian: Jira answers 401 from now on.
    jira.revokeToken('first-token');
    const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic: `auth.${connectionId}`, id: 'e1', data: {} } });
    expect(posted.status).toBe(202);
    const runPath = `/api/v1/runs/${encodeURIComponent(posted.body.runs[0].runId)}`;

    const disconnected = await waitFor(async () => {
      const c = await get(`/api/v1/connections/${connectionId}`);
      return c.status === 'disconnected' && c.waitingRuns === 1 ? c : undefined;
    }, 'the connection to turn disconnected with one waiting run');
    expect(disconnected.statusReason).toContain('401');
    expect(disconnected.statusReason).toContain('Client must be authenticated to access this resource.');
    const waiting = await waitFor(async () => {
      const run = await get(runPath);
      return run.status === 'waiting' ? run : undefined;
    }, 'the run to show waiting');
    // auth_lost is not retried: one attempt, one refused call, and the step now waits for the connection.
    expect(waiting.steps).toEqual([expect.objectContaining({ id: 'issue', status: 'waiting', attempts: 1 })]);
    const creates = () => jira.received('POST', '/rest/api/3/issue');
    expect(creates()).toHaveLength(1);
    expect(jira.issues).toHaveLength(0);

    const events: string[] = [];
    api.events.subscribe((e) => void events.push(e.topic));
    jira.issueToken(user, 'second-token');
    const updated = await call(api.url, 'PATCH', `/api/v1/connections/${connectionId}`, { token: admin, body: { credentials: credentials('second-token') } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ status: 'connected', statusReason: null });
    expect(JSON.stringify(updated.body)).not.toContain('second-token');
    // Other engine events (a disconnect relayed later, closed runs) may interleave; the restore is published once, at the update.
    expect(events.filter((t) => t === 'connection.restored')).toHaveLength(1);

    const done = await waitFor(async () => {
      const run = await get(runPath);
      return run.status === 'succeeded' ? run : undefined;
    }, 'the resumed run to succeed');
    expect(done.steps[0]).toMatchObject({ id: 'issue', status: 'succeeded', output: { key: 'SUP-1' } });
    expect(creates()).toHaveLength(2);
    expect(jira.issues.map((i) => i.key)).toEqual(['SUP-1']);
    expect((await get(`/api/v1/connections/${connectionId}`)).waitingRuns).toBe(0);
  });
});
