import http from 'node:http';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/config';
import { migrateStore, type Store } from '../../src/store/store';
import { openConfiguredStore } from '../../src/runtime/services';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { call } from '../support/api-harness';
import { Cluster, type ClusterProcess } from '../support/cluster';
import { intercomNotification, postIntercomWebhook, signIntercom } from '../support/intercom-webhooks';
import { startSink, type Sink } from '../support/sink';
import { waitFor } from '../support/temporal';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * Issue #12 item 12: the production shape (2 × `switchyard api`, 2 × `switchyard worker`, one
 * PostgreSQL store, one Temporal server) keeps one truth — a delivery sent to both APIs runs once,
 * each engine event is published by one API process, and a token's rate limit holds across both.
 * Item 10: SIGTERM to an API and to a worker while signed webhooks keep coming loses and doubles nothing.
 */
const clientSecret = 'intercom-client-secret';
const rateLimit = 60;

/** `engine event <topic>` log lines (pino JSON) of one process: the ids it published. */
function publishedEventIds(lines: string[]): string[] {
  const ids: string[] = [];
  for (const line of lines) {
    if (!line.includes('"engine event ')) continue;
    const parsed = JSON.parse(line) as { event?: { id?: string } };
    if (parsed.event?.id) ids.push(parsed.event.id);
  }
  return ids;
}

const effectsByKey = (sink: Sink) => {
  const counts = new Map<string, number>();
  for (const r of sink.requests) {
    const key = String(r.headers['idempotency-key'] ?? '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

/**
 * A signed delivery in flight: the API read its headers (it answered `100 Continue`), and its body
 * is held back until `release()`. What the API answers (or the error when it drops the request).
 */
function heldDelivery(apiUrl: string, body: string): Promise<{ release(): void; answer: Promise<{ status: number; body: string }> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${apiUrl}/hooks/intercom-main`);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature': signIntercom(body, clientSecret), expect: '100-continue' };
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers });
    const answer = new Promise<{ status: number; body: string }>((done, fail) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
        res.on('error', fail);
      });
      req.on('error', fail);
    });
    answer.catch(() => undefined);
    req.on('continue', () => resolve({ release: () => req.end(body), answer }));
    req.on('error', reject);
    req.flushHeaders();
  });
}

describe('2 API and 2 worker processes on one PostgreSQL store', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let cluster: Cluster;
  let store: Store;
  let client: Client;
  let vendor: Sink;
  let subscriber: Sink;
  /** Answers after 300 ms, so a step is in flight when a worker is told to stop. */
  let slowVendor: Sink;
  const runIds: string[] = [];

  beforeAll(async () => {
    database = await freshPostgresDatabase('switchyard_multi');
    await migrateStore(database.url);
    vendor = await startSink();
    subscriber = await startSink();
    slowVendor = await startSink(200, 300);
    cluster = await Cluster.start({
      temporalAddress: inject('temporalAddress'),
      databaseUrl: database.url,
      apis: 2,
      workers: 2,
      env: { SWITCHYARD_API_RATE_LIMIT: String(rateLimit) },
    });
    const config = parseConfig(cluster.env);
    store = await openConfiguredStore(config, 'verify');
    client = await connectClient(temporalTarget(config));
    const [api1] = cluster.apis.map((a) => a.url);
    const admin = cluster.admin;
    expect((await call(api1!, 'PUT', '/api/v1/connections/intercom-main', { token: admin, body: { connector: 'intercom', name: 'Intercom', credentials: { clientSecret } } })).status).toBe(201);
    const recipe = {
      id: 'conversation-to-vendor',
      name: 'New conversation, posted to the vendor',
      trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' },
      steps: [{ id: 'notify', action: 'webhook.post', input: { url: `${vendor.url}/notify`, body: { conversation: '{{ trigger.data.item.id }}' } } }],
    };
    const put = await call(api1!, 'PUT', `/api/v1/recipes/${recipe.id}`, { token: admin, body: recipe });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const slow = {
      id: 'sigterm-load',
      name: 'Reply, posted to a slow vendor',
      trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.replied' },
      steps: [{ id: 'notify', action: 'webhook.post', input: { url: `${slowVendor.url}/notify`, body: { conversation: '{{ trigger.data.item.id }}' } } }],
    };
    expect((await call(api1!, 'PUT', `/api/v1/recipes/${slow.id}`, { token: admin, body: slow })).status).toBe(201);
    const hook = await call(api1!, 'POST', '/api/v1/webhooks', { token: admin, body: { url: `${subscriber.url}/events`, topics: ['run.*', 'connection.*'] } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
    await client?.connection.close();
    await store?.close();
    await vendor?.close();
    await subscriber?.close();
    await slowVendor?.close();
    await database?.drop();
  }, 120_000);

  it('a delivery posted to both APIs at once starts one run, and its step reaches the vendor once', async () => {
    const [a, b] = cluster.apis.map((p) => p.url) as [string, string];
    type HookAnswer = { status: number; body: { runs?: { runId: string }[]; duplicate?: boolean } };
    const post = async (url: string, body: string): Promise<HookAnswer> => {
      const res = await postIntercomWebhook(url, 'intercom-main', body, clientSecret);
      return { status: res.status, body: (await res.json()) as HookAnswer['body'] };
    };
    // Each API's recipe cache refreshes within a second: wait until both start the recipe.
    for (const [i, url] of [a, b].entries()) {
      const started = await waitFor(async () => (await post(url, intercomNotification('conversation.user.created', { id: `warm-${i}` }))).body.runs?.[0], 'the API to start the recipe', 10_000);
      runIds.push(started.runId);
    }
    for (let i = 0; i < 5; i++) {
      const body = intercomNotification('conversation.user.created', { id: `c-${i}` });
      const answers = await Promise.all([a, b].map((url) => post(url, body)));
      // One answer starts the run; the other names the same run or says duplicate (200).
      expect(answers.map((x) => x.status).sort()).toEqual(expect.arrayContaining([202]));
      for (const x of answers) expect([200, 202]).toContain(x.status);
      const named = new Set(answers.flatMap((x) => (x.body.runs ?? []).map((r) => r.runId)));
      expect(named.size).toBe(1);
      runIds.push(...named);
    }
    await waitFor(async () => runIds.every((id) => effectsByKey(vendor).has(`${id}/notify`)), 'every run to call the vendor', 60_000);
    const query = `TaskQueue = '${cluster.env.TEMPORAL_TASK_QUEUE}' AND WorkflowType = 'runRecipe'`;
    const runs = await waitFor(async () => {
      const { count } = await client.workflow.count(`${query} AND ExecutionStatus = 'Completed'`);
      return count >= runIds.length ? count : undefined;
    }, 'the runs to complete', 60_000);
    expect(runs).toBe(runIds.length);
    expect((await client.workflow.count(query)).count).toBe(runIds.length);
    expect([...effectsByKey(vendor).entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }, 120_000);

  it('publishes each engine event from one API process only, and each subscriber gets it once', async () => {
    // Worker-side disconnects queue their events in the outbox (as a 401 in an activity does).
    const disconnected = ['crm-1', 'crm-2', 'crm-3'];
    for (const id of disconnected) {
      await store.connections.create({ id, connector: 'webhook', name: id, credentials: {} });
      expect(await store.outbox.disconnect(id, 'the vendor answered 401')).toBe(true);
    }
    const received = () => subscriber.requests.map((r) => JSON.parse(r.body) as { topic: string; data: { item: { connectionId?: string; runId?: string } } });
    await waitFor(
      async () => {
        const events = received();
        const runs = new Set(events.filter((e) => e.topic === 'run.succeeded').map((e) => e.data.item.runId));
        const connections = new Set(events.filter((e) => e.topic === 'connection.disconnected').map((e) => e.data.item.connectionId));
        return runIds.every((id) => runs.has(id)) && disconnected.every((id) => connections.has(id));
      },
      'the subscriber to receive every run.succeeded and connection.disconnected',
      60_000,
    );
    // Let both pumps tick at least twice more past the window, so a second publisher would have shown.
    const cursor = await store.outbox.cursor('run-events/close-time');
    await waitFor(async () => ((await store.outbox.cursor('run-events/close-time')) ?? '') > cursor! && (await store.outbox.pending()).length === 0, 'the pump to move on', 30_000);
    const moved = await store.outbox.cursor('run-events/close-time');
    await waitFor(async () => ((await store.outbox.cursor('run-events/close-time')) ?? '') > moved!, 'the pump to move on again', 30_000);

    const perProcess = cluster.apis.map((p) => publishedEventIds(p.proc.output));
    const all = perProcess.flat();
    const counts = new Map<string, number>();
    for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(all.length).toBeGreaterThanOrEqual(runIds.length + disconnected.length);
    expect([...counts.entries()].filter(([, n]) => n > 1)).toEqual([]);
    const webhookIds = subscriber.requests.map((r) => String(r.headers['webhook-id']));
    expect(webhookIds.length).toBe(new Set(webhookIds).size);
  }, 120_000);

  it("enforces a token's rate limit across both API processes", async () => {
    const [a, b] = cluster.apis.map((p) => p.url) as [string, string];
    const issued = await call(a, 'POST', '/api/v1/tokens', { token: cluster.admin, body: { name: 'limited', scopes: ['recipes:read'] } });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const token = issued.body.secret as string;
    const statuses: number[] = [];
    for (let i = 0; i < rateLimit; i++) statuses.push((await call(i % 2 === 0 ? a : b, 'GET', '/api/v1/recipes', { token })).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const over = await Promise.all([a, b].map((url) => call(url, 'GET', '/api/v1/recipes', { token })));
    expect(over.map((r) => r.status)).toEqual([429, 429]);
    expect(over[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 60_000);

  it('SIGTERM to an API and to a worker mid-load loses and doubles nothing (item 10)', async () => {
    const acked = new Set<string>();
    let sent = 0;
    let sending = true;
    const sendLoop = async () => {
      for (let i = 0; sending; i++) {
        const api = cluster.apis[i % cluster.apis.length]!;
        const body = intercomNotification('conversation.user.replied', { id: `load-${sent++}` });
        try {
          const res = await postIntercomWebhook(api.url, 'intercom-main', body, clientSecret);
          const answer = (await res.json()) as { runs?: { runId: string }[] };
          if (res.status === 202) for (const r of answer.runs ?? []) acked.add(r.runId);
        } catch {
          // a stopped API refuses the connection: not acknowledged, the sender would retry
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const loops = [sendLoop(), sendLoop()];
    const stopGracefully = async (p: ClusterProcess) => {
      // Mid-load and mid-step: deliveries are being acknowledged and a vendor call is being answered.
      const [ackedNow, calledNow] = [acked.size, slowVendor.requests.length];
      await waitFor(async () => acked.size > ackedNow + 5 && slowVendor.requests.length > calledNow, 'load to be flowing', 60_000);
      const code = await cluster.signal(p, 'SIGTERM');
      await cluster.restart(p);
      return code;
    };
    // An acknowledgement in flight when the API is told to stop is still given: the delivery's
    // headers are in before SIGTERM, its body only once the API logged that it is stopping.
    const stoppingApi = cluster.apis[0]!;
    const held = await heldDelivery(stoppingApi.url, intercomNotification('conversation.user.replied', { id: `held-${sent++}` }));
    const apiExit = stopGracefully(stoppingApi);
    await stoppingApi.proc.waitForLine(/"msg":"stopping"/, 60_000);
    held.release();
    const heldAnswer = await held.answer;
    expect(heldAnswer.status, heldAnswer.body).toBe(202);
    for (const r of (JSON.parse(heldAnswer.body) as { runs: { runId: string }[] }).runs) acked.add(r.runId);
    await apiExit;
    const ackedBeforeWorkerStop = acked.size;
    const workerExit = await stopGracefully(cluster.workers[0]!);
    await waitFor(async () => acked.size > ackedBeforeWorkerStop + 10, 'more deliveries after the restarts', 60_000);
    sending = false;
    await Promise.all(loops);

    expect(await apiExit).toBe(0);
    expect(workerExit).toBe(0);
    const effects = () => {
      const counts = new Map<string, number>();
      for (const r of slowVendor.requests) counts.set(String(r.headers['idempotency-key']), (counts.get(String(r.headers['idempotency-key'])) ?? 0) + 1);
      return counts;
    };
    await waitFor(async () => [...acked].every((id) => effects().has(`${id}/notify`)), 'every acknowledged run to reach the vendor', 120_000);
    const query = `TaskQueue = '${cluster.env.TEMPORAL_TASK_QUEUE}' AND RecipeId = 'sigterm-load'`;
    await waitFor(async () => (await client.workflow.count(`${query} AND ExecutionStatus = 'Running'`)).count === 0, 'no run left open', 60_000);
    const completed = new Map<string, number>();
    for await (const run of client.workflow.list({ query })) {
      if (run.status.name === 'COMPLETED') completed.set(run.workflowId, (completed.get(run.workflowId) ?? 0) + 1);
      else throw new Error(`run ${run.workflowId} ended ${run.status.name}`);
    }
    expect(acked.size).toBeGreaterThan(20);
    expect([...acked].filter((id) => completed.get(id) !== 1)).toEqual([]);
    expect([...effects().entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }, 300_000);
});
