import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { Plan } from '../../workflows/plan';
import { startInbox, type Inbox } from '../../src/engine/inbox';
import { PlanCache } from '../../src/engine/plan-cache';
import { runWorkflowId } from '../../src/engine/start-runs';
import { apiV1 } from '../../src/http/api';
import { userHash } from '../../src/http/api/identity-routes';
import { createLogger } from '../../src/logging';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { openTestStore, storeBackends } from '../support/stores';
import { call, serve } from '../support/api-harness';
import { waitFor } from '../support/temporal';

function eventPlan(recipeId: string, event: string, when?: unknown): Plan {
  return { planFormat: 1, recipeId, version: `v-${recipeId}`, name: recipeId, enabled: true, trigger: { type: 'event', event }, ...(when ? { when } : {}), steps: [], connections: [] };
}

describe('POST /api/v1/events and POST /api/v1/identity/hash', () => {
  const taskQueue = `events-${randomUUID()}`;
  const topic = `order.created.${randomUUID().slice(0, 8)}`;
  let store: Store;
  let client: Client;
  let api: { url: string; close(): Promise<void> };
  let token: string;
  let identityToken: string;
  const started: string[] = [];
  const inboxes: Inbox[] = [];
  const limits = { maxRows: 1000, maxAgeMs: 3_600_000, sweepMs: 200 };
  const inboxFor = (c: Client, extra: { startDeadlineMs?: number; limits?: typeof limits } = {}) => {
    const inbox = startInbox({ store, plans: new PlanCache(store.recipes), client: c, taskQueue, logger: createLogger('silent'), limits, ...extra });
    inboxes.push(inbox);
    return inbox;
  };

  beforeAll(async () => {
    store = await openTestStore(storeBackends[0].url());
    client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    const tokens = new TokenStore(store.db);
    await store.recipes.apply({}, eventPlan('big-orders', topic, { '>': [{ var: 'trigger.total' }, 100] }));
    await store.recipes.apply({}, eventPlan('all-orders', topic.replace(/\.[^.]+$/, '.*')));
    await store.recipes.apply({}, eventPlan('refunds', 'order.refunded'));
    const { router } = apiV1({
      tokens,
      rateLimit: { perMinute: 10_000, burstPerHour: 0 },
      rotationGraceMs: 0,
      events: { plans: new PlanCache(store.recipes), inbox: inboxFor(client), logger: createLogger('silent') },
      identitySecret: 'identity-secret-for-tests-0123456789',
    });
    api = await serve([router]);
    token = (await tokens.create({ name: 'backend', scopes: ['events:write'] })).secret;
    identityToken = (await tokens.create({ name: 'identity', scopes: ['identity:write'] })).secret;
  });
  afterAll(async () => {
    for (const inbox of inboxes) await inbox.stop();
    for (const id of started) await client.workflow.getHandle(id).terminate().catch(() => undefined);
    await api.close();
    await client.connection.close();
    await store.close();
  });

  it('starts the runs of matching event recipes, durably, and dedupes on the caller’s id', async () => {
    const id = `evt-${randomUUID()}`;
    const first = await call(api.url, 'POST', '/api/v1/events', { token, body: { topic, id, data: { total: 250, customer: 'c-1' } } });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ eventId: id, matched: 2 });
    const runIds = first.body.runs.map((r: { runId: string }) => r.runId).sort();
    expect(runIds).toEqual([runWorkflowId('all-orders', { source: 'api', id }), runWorkflowId('big-orders', { source: 'api', id })].sort());
    started.push(...runIds);
    for (const runId of runIds) {
      const description = await waitFor(() => client.workflow.getHandle(runId).describe().catch(() => undefined), `run ${runId} started from the inbox`);
      expect(description.type).toBe('runRecipe');
      expect(description.taskQueue).toBe(taskQueue);
    }
    const again = await call(api.url, 'POST', '/api/v1/events', { token, body: { topic, id, data: { total: 250 } } });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
  });

  it('applies the recipe’s top-level when, and answers 200 when nothing matches', async () => {
    const small = await call(api.url, 'POST', '/api/v1/events', { token, body: { topic, data: { total: 5 } } });
    expect(small.status).toBe(202);
    expect(small.body.runs.map((r: { recipe: string }) => r.recipe)).toEqual(['all-orders']);
    started.push(small.body.runs[0].runId);
    const none = await call(api.url, 'POST', '/api/v1/events', { token, body: { topic: 'nobody.listens', data: {} } });
    expect(none).toMatchObject({ status: 200, body: { matched: 0 } });
  });

  it('rejects a bad event with the path named', async () => {
    const bad = await call(api.url, 'POST', '/api/v1/events', { token, body: { topic: 'has spaces', data: {} } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/^body\.topic: /);
    const extra = await call(api.url, 'POST', '/api/v1/events', { token, body: { topic: 'a.b', payload: {} } });
    expect(extra.body.error.message).toContain('payload');
  });

  it('computes the identity verification hash with its own scope, identity:write (events:write is not enough)', async () => {
    const denied = await call(api.url, 'POST', '/api/v1/identity/hash', { token, body: { user_id: 'user-42' } });
    expect(denied).toMatchObject({ status: 403, body: { error: { code: 'insufficient_scope', details: { required: 'identity:write' } } } });
    const answer = await call(api.url, 'POST', '/api/v1/identity/hash', { token: identityToken, body: { user_id: 'user-42' } });
    expect(answer.status).toBe(200);
    // Intercom's documented form: hex HMAC-SHA256(secret, user_id).
    expect(answer.body.user_hash).toBe(userHash('identity-secret-for-tests-0123456789', 'user-42'));
    expect(answer.body.user_hash).toMatch(/^[0-9a-f]{64}$/);
    const { createHmac } = await import('node:crypto');
    expect(answer.body.user_hash).toBe(createHmac('sha256', 'identity-secret-for-tests-0123456789').update('user-42').digest('hex'));
    expect((await call(api.url, 'POST', '/api/v1/identity/hash', { token: identityToken, body: {} })).body.error.message).toMatch(/^body\.user_id: /);
  });

  it('accepts while Temporal is unreachable (202, durable in the inbox), a full inbox answers 503, and the run starts once a dispatcher reaches Temporal', async () => {
    // A store of its own, so only this test's dispatchers see its inbox.
    const own = await openTestStore(storeBackends[0].url());
    await own.recipes.apply({}, eventPlan('all-orders', topic));
    const ownInbox = (c: Client, extra: { startDeadlineMs?: number; limits?: typeof limits } = {}) => {
      const inbox = startInbox({ store: own, plans: new PlanCache(own.recipes), client: c, taskQueue, logger: createLogger('silent'), limits, ...extra });
      inboxes.push(inbox);
      return inbox;
    };
    const down = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 300 }) });
    const tokens = new TokenStore(own.db);
    const ownToken = (await tokens.create({ name: 'backend', scopes: ['events:write'] })).secret;
    const offline = ownInbox(down, { startDeadlineMs: 1_000, limits: { ...limits, maxRows: 1 } });
    const routes = (inbox: Inbox) => apiV1({ tokens, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 0, events: { plans: new PlanCache(own.recipes), inbox, logger: createLogger('silent') } }).router;
    const unavailable = await serve([routes(offline)]);
    try {
      const id = `evt-${randomUUID()}`;
      const answer = await call(unavailable.url, 'POST', '/api/v1/events', { token: ownToken, body: { topic, id, data: { total: 1 } } });
      expect(answer.status).toBe(202);
      const runId = answer.body.runs[0].runId as string;
      // The dispatcher cannot reach Temporal: the event waits in the inbox, and above its bound (1 event) the next is refused.
      await waitFor(async () => offline.status().dispatchDelayed !== undefined || undefined, 'the offline dispatch to fail');
      expect(offline.status().depth).toBe(1);
      const full = await call(unavailable.url, 'POST', '/api/v1/events', { token: ownToken, body: { topic, id: `evt-${randomUUID()}`, data: { total: 1 } } });
      expect(full).toMatchObject({ status: 503, body: { error: { code: 'inbox_full' } } });
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await client.workflow.getHandle(runId).describe().catch(() => 'not started')).toBe('not started');
      // A dispatcher that reaches Temporal starts the run from the inbox; the same id again is a duplicate.
      await offline.stop();
      const healthy = ownInbox(client);
      const run = await waitFor(() => client.workflow.getHandle(runId).describe().catch(() => undefined), 'the run started from the inbox');
      expect(run.type).toBe('runRecipe');
      started.push(runId);
      await waitFor(async () => healthy.status().depth === 0 || undefined, 'the inbox empty');
      const back = await serve([routes(healthy)]);
      const again = await call(back.url, 'POST', '/api/v1/events', { token: ownToken, body: { topic, id, data: { total: 1 } } });
      await back.close();
      expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    } finally {
      await unavailable.close();
      for (const inbox of inboxes.splice(1)) await inbox.stop();
      await own.close();
    }
  });
});
