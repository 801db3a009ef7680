import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { ApiClient } from '../../src/cli/remote/api-client';
import { registerWebhooksCommand } from '../../src/cli/remote/webhooks-command';
import { apiV1 } from '../../src/http/api';
import { webhookRoutes } from '../../src/http/api/webhooks-routes';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { deliveryWorkflowId } from '../../workflows/webhook-contract';
import { openTestStore, storeBackends } from '../support/stores';
import { connectToDevServer, waitFor } from '../support/temporal';
import { call, serve } from '../support/api-harness';
import { deliveryWorker, loopbackEgress, startReceiver, webhooksOut } from '../support/webhooks-out-harness';

describe.each(storeBackends)('/api/v1/webhooks on $name (real Temporal dev server)', ({ url }) => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let api: { url: string; close(): Promise<void> };
  let writer: string;
  let reader: string;
  const taskQueue = `test-${randomUUID()}`;
  let worker: Awaited<ReturnType<typeof deliveryWorker>>;
  let running: Promise<void>;
  let wo: ReturnType<typeof webhooksOut>;

  beforeAll(async () => {
    env = await connectToDevServer();
    store = await openTestStore(url());
    const tokens = new TokenStore(store.db);
    const egress = loopbackEgress();
    wo = webhooksOut(env, store, taskQueue, egress);
    const { router } = apiV1({ tokens, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 60_000, routeGroups: [webhookRoutes(wo)] });
    api = await serve([router]);
    writer = (await tokens.create({ name: 'w', scopes: ['webhooks:read', 'webhooks:write'] })).secret;
    reader = (await tokens.create({ name: 'r', scopes: ['webhooks:read'] })).secret;
    worker = await deliveryWorker(env, store, taskQueue, egress);
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
    await store?.close();
    await env?.teardown();
  });

  it('create shows the whsec_ secret once; list and get never do; scopes are enforced; bad input names its path', async () => {
    const receiver = await startReceiver();
    try {
      const created = await call(api.url, 'POST', '/api/v1/webhooks', { token: writer, body: { url: receiver.url, topics: ['conversation.*', 'run.failed'], description: 'ops' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'enabled', topics: ['conversation.*', 'run.failed'], description: 'ops' });
      expect(created.body.id).toMatch(/^whsub_/);
      expect(created.body.secret).toMatch(/^whsec_/);
      const secret: string = created.body.secret;
      const got = await call(api.url, 'GET', `/api/v1/webhooks/${created.body.id}`, { token: reader });
      expect(got.status).toBe(200);
      expect(JSON.stringify(got.body)).not.toContain(secret.slice(6));
      const listed = await call(api.url, 'GET', '/api/v1/webhooks', { token: reader });
      expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
      expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toContain(created.body.id);

      expect((await call(api.url, 'POST', '/api/v1/webhooks', { token: reader, body: { url: receiver.url, topics: ['*'] } })).status).toBe(403);
      const bad = await call(api.url, 'POST', '/api/v1/webhooks', { token: writer, body: { url: receiver.url, topics: ['Conversation Created'] } });
      expect(bad.status).toBe(422);
      expect(bad.body.error.message).toMatch(/^body\.topics\.0: /);
      const blocked = await call(api.url, 'POST', '/api/v1/webhooks', { token: writer, body: { url: 'http://169.254.169.254/latest/meta-data/', topics: ['*'] } });
      expect(blocked.status).toBe(422);
      expect(blocked.body.error.code).toBe('blocked_destination');
      expect((await call(api.url, 'GET', '/api/v1/webhooks/whsub_nope', { token: reader })).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('save and test: a signed ping; status, latency and at most 1 KB of the body', async () => {
    const receiver = await startReceiver(() => ({ status: 202, body: 'x'.repeat(4096) }));
    try {
      const created = await call(api.url, 'POST', '/api/v1/webhooks', { token: writer, body: { url: receiver.url, topics: ['ping.only'] } });
      const tested = await call(api.url, 'POST', `/api/v1/webhooks/${created.body.id}/test`, { token: writer });
      expect(tested.status).toBe(200);
      expect(tested.body.status).toBe(202);
      expect(tested.body.body).toHaveLength(1024);
      expect(tested.body.latencyMs).toBeGreaterThanOrEqual(0);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.json).toMatchObject({ type: 'notification_event', topic: 'ping' });
      expect(() => new Webhook(created.body.secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>)).not.toThrow();
    } finally {
      await receiver.close();
    }
  });

  it('delivery log, rotation with two signatures, disable/enable, redeliver, delete', async () => {
    const receiver = await startReceiver((_r, i) => (i === 0 ? { status: 500, body: 'down for maintenance' } : { status: 200, body: 'ok' }));
    try {
      const created = await call(api.url, 'POST', '/api/v1/webhooks', { token: writer, body: { url: receiver.url, topics: ['api.test.*'] } });
      const id: string = created.body.id;
      const oldSecret: string = created.body.secret;
      const { messageId } = await wo.publish('api.test.one', { n: 1 });
      // First attempt 500, second (about 5 s later) 200.
      await env.client.workflow.getHandle(deliveryWorkflowId(id, messageId)).result();
      const log = await call(api.url, 'GET', `/api/v1/webhooks/${id}/deliveries/${messageId}`, { token: reader });
      expect(log.status).toBe(200);
      expect(log.body).toMatchObject({ status: 'delivered', attempts: 2, topic: 'api.test.one' });
      expect(log.body.attempts_log).toHaveLength(2);
      expect(log.body.attempts_log[0]).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: 500, responseSnippet: 'down for maintenance' });
      // The log announces the workflow's own next attempt: it comes no earlier than announced (how much later depends on the machine's load).
      const announcedLead = Date.parse(log.body.attempts_log[1].attemptedAt) - Date.parse(log.body.attempts_log[0].nextAttemptAt);
      expect(announcedLead).toBeGreaterThanOrEqual(0);
      expect(announcedLead).toBeLessThan(15_000);
      expect(log.body.attempts_log[1]).toMatchObject({ attempt: 2, outcome: 'delivered', statusCode: 200, nextAttemptAt: null });
      const list = await call(api.url, 'GET', `/api/v1/webhooks/${id}/deliveries?status=delivered&limit=10`, { token: reader });
      expect(list.body.deliveries.map((d: { messageId: string }) => d.messageId)).toEqual([messageId]);
      expect((await call(api.url, 'GET', `/api/v1/webhooks/${id}/deliveries?status=lost`, { token: reader })).status).toBe(400);

      const rotated = await call(api.url, 'POST', `/api/v1/webhooks/${id}/rotate-secret`, { token: writer, body: { window: '1h' } });
      expect(rotated.status).toBe(200);
      const newSecret: string = rotated.body.secret;
      expect(newSecret).not.toBe(oldSecret);
      const redelivered = await call(api.url, 'POST', `/api/v1/webhooks/${id}/deliveries/${messageId}/redeliver`, { token: writer });
      expect(redelivered.status).toBe(202);
      await waitFor(async () => receiver.received.length === 3, 'the redelivery');
      const last = receiver.received[2]!;
      expect(last.headers['webhook-id']).toBe(messageId);
      expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(() => new Webhook(oldSecret).verify(last.body, last.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(newSecret).verify(last.body, last.headers as Record<string, string>)).not.toThrow();

      const disabled = await call(api.url, 'POST', `/api/v1/webhooks/${id}/disable`, { token: writer });
      expect(disabled.body).toMatchObject({ status: 'disabled' });
      expect((await wo.publish('api.test.two', {})).deliveries).toBe(0);
      expect((await call(api.url, 'POST', `/api/v1/webhooks/${id}/recover`, { token: writer, body: { since: new Date(0).toISOString() } })).status).toBe(409);
      expect((await call(api.url, 'POST', `/api/v1/webhooks/${id}/enable`, { token: writer })).body).toMatchObject({ status: 'enabled', disabledReason: null });

      expect((await call(api.url, 'DELETE', `/api/v1/webhooks/${id}`, { token: writer })).status).toBe(204);
      expect((await call(api.url, 'GET', `/api/v1/webhooks/${id}`, { token: reader })).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('CLI: create prints the secret once, list, deliveries and attempts show the log', async () => {
    const receiver = await startReceiver();
    const lines: string[] = [];
    const cli = async (...args: string[]) => {
      lines.length = 0;
      const program = new Command().exitOverride();
      registerWebhooksCommand(program, { client: () => new ApiClient(api.url, writer), print: (l) => lines.push(l) });
      await program.parseAsync(['node', 'switchyard', 'webhooks', ...args]);
      return [...lines];
    };
    try {
      const created = await cli('create', receiver.url, '--topics', 'cli.*,run.failed', '--description', 'from the CLI');
      expect(created[0]).toMatch(/^created whsub_\S+ \(enabled\) → /);
      expect(created[1]).toMatch(/^secret: whsec_/);
      const id = created[0]!.split(' ')[1]!;
      expect((await cli('list')).some((l) => l.startsWith(id) && l.includes('cli.*,run.failed'))).toBe(true);
      const { messageId } = await wo.publish('cli.hello', { hello: 'world' });
      await env.client.workflow.getHandle(deliveryWorkflowId(id, messageId)).result();
      const deliveries = await cli('deliveries', id);
      expect(deliveries[0]).toMatch(/^MESSAGEID\s+TOPIC\s+STATUS/);
      expect(deliveries[1]).toMatch(new RegExp(`^${messageId}\\s+cli.hello\\s+delivered\\s+1\\s+200`));
      const attempts = await cli('attempts', id, messageId);
      expect(attempts[0]).toBe(`${messageId} cli.hello: delivered after 1 attempt(s)`);
      expect(await cli('test', id)).toEqual([expect.stringMatching(/^200 in \d+ ms$/)]);
      await expect(cli('create', 'http://10.0.0.1/x', '--topics', 'a')).rejects.toThrow(/422 blocked_destination/);
    } finally {
      await receiver.close();
    }
  });

  it('every webhooks route answers a missing id or an empty body with a 4xx naming it, never a 5xx', async () => {
    const answers: string[] = [];
    for (const route of webhookRoutes(wo)) {
      const target = route.path.replace(/:[A-Za-z_]+/g, 'missing');
      const answer = await call(api.url, route.method.toUpperCase(), target, { token: writer, body: route.method === 'get' || route.method === 'delete' ? undefined : {} });
      if (route.path !== '/api/v1/webhooks' && (answer.status >= 500 || answer.status < 400 || !answer.body?.error?.message)) answers.push(`${route.method} ${route.path} → ${answer.status}`);
    }
    expect(answers).toEqual([]);
  });
});
