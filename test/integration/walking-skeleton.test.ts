import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import type { Config } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { compileRecipe } from '../../src/recipe/compile';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import { startTestEngine, type TestEngine } from '../support/engine';
import { startSink, type Sink } from '../support/sink';
import { waitFor, runResult, runStarted } from '../support/temporal';
import { signIntercom } from '../support/intercom-webhooks';

/** The real path: signed webhook → ingress → Temporal → interpreter → activity → HTTP sink. */
describe('walking skeleton', () => {
  const secret = randomBytes(16).toString('hex');
  let engine: TestEngine;
  let config: Config;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let sink: Sink;

  beforeAll(async () => {
    sink = await startSink();
    engine = await startTestEngine('skeleton', {}, async (store) => {
      await store.connections.create({ id: 'intercom-test', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
      const recipe = {
        id: 'new-conversation-to-sink',
        name: 'New conversation → sink',
        trigger: { type: 'webhook', connection: 'intercom-test', event: 'conversation.user.created' },
        steps: [{ id: 'notify', action: 'webhook.post', input: { url: `${sink.url}/hook`, body: { subject: '{{ trigger.data.item.source.subject }}' } } }],
      };
      const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([['intercom-test', 'intercom']]) });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
      await store.recipes.apply(recipe, compiled.plan);
    });
    ({ config, store, client, api } = engine);
  });

  afterAll(async () => {
    await engine?.stop();
    await sink?.close();
  });

  const notification = (id: string, topic = 'conversation.user.created') =>
    JSON.stringify({ type: 'notification_event', id, topic, created_at: 1764230400, data: { item: { type: 'conversation', id: 'c1', source: { subject: 'Where is my order?' } } } });
  const sign = (body: string, key = secret) => signIntercom(body, key);
  const post = (body: string, signature: string, url = `${api.url}/hooks/intercom-test`) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signature }, body });

  it('acknowledges a signed delivery only after the run started, and the run calls the sink', async () => {
    const body = notification(`notif_${randomUUID()}`);
    const res = await post(body, sign(body));
    expect(res.status).toBe(202);
    const ack = (await res.json()) as { matched: number; runs: { runId: string }[] };
    expect(ack.matched).toBe(1);
    const runId = ack.runs[0]!.runId;
    expect(runId).toMatch(/^run\/new-conversation-to-sink\/[0-9a-f]{32}$/);
    const result = (await runResult<{ status: string }>(client, runId));
    expect(result.status).toBe('succeeded');
    const delivered = sink.requests.filter((r) => r.url === '/hook' && r.body.includes('Where is my order?'));
    expect(delivered).toHaveLength(1);
  });

  it('answers a repeated delivery 200 duplicate and starts nothing', async () => {
    const body = notification(`notif_${randomUUID()}`);
    const first = await post(body, sign(body));
    expect(first.status).toBe(202);
    const { runs } = (await first.json()) as { runs: { runId: string }[] };
    await runResult(client, runs[0]!.runId);
    const before = sink.requests.length;
    const again = await post(body, sign(body));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(sink.requests.length).toBe(before);
  });

  it('starts exactly one run for 50 concurrent copies of one delivery, answering every copy 2xx', async () => {
    const body = notification(`notif_${randomUUID()}`);
    const before = sink.requests.length;
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(body, sign(body))));
    expect(answers.map((r) => r.status).filter((s) => s < 200 || s > 299)).toEqual([]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { runs?: { runId: string; duplicate: boolean }[]; duplicate?: boolean }[];
    const started = bodies.flatMap((b) => b.runs ?? []).filter((r) => !r.duplicate);
    expect(started).toHaveLength(1);
    await runResult(client, started[0]!.runId);
    expect(sink.requests.length - before).toBe(1);
  });

  it('rejects a bad signature with 401 and starts nothing', async () => {
    const id = `notif_${randomUUID()}`;
    const body = notification(id);
    const res = await post(body, sign(body, 'wrong-secret'));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    const runs = client.workflow.list({ query: `WorkflowType = 'runRecipe' AND RecipeId = 'new-conversation-to-sink'` });
    for await (const run of runs) expect(run.workflowId).not.toContain(id);
  });

  it('answers unmatched topics 200 with matched 0, and unknown connections 401 like a bad signature', async () => {
    const body = notification(`notif_${randomUUID()}`, 'contact.user.created');
    const res = await post(body, sign(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ matched: 0 });
    const unknown = await post(body, sign(body), `${api.url}/hooks/nope`);
    expect(unknown.status).toBe(401);
  });

  it('rejects a wrong content type with 415 and an oversized body with 413', async () => {
    const res = await fetch(`${api.url}/hooks/intercom-test`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
    const huge = 'x'.repeat(config.SWITCHYARD_WEBHOOK_MAX_BYTES + 1);
    const tooBig = await post(huge, sign(huge));
    expect(tooBig.status).toBe(413);
  });

  it('acknowledges while Temporal is unreachable (the inbox holds the event), and a dispatcher that reaches Temporal starts the run', async () => {
    const deadClient = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }), namespace: 'default' });
    const logger = createLogger('silent');
    const offline = await startApi({ config, logger, store, client: deadClient });
    try {
      const body = notification(`notif_${randomUUID()}`);
      const res = await post(body, sign(body), `${offline.url}/hooks/intercom-test`);
      expect(res.status).toBe(202);
      const [run] = ((await res.json()) as { runs: { runId: string }[] }).runs;
      // The healthy API's dispatcher (same store) starts it; a sender's retry is a duplicate.
      await runStarted(client, run!.runId);
      const retry = await post(body, sign(body));
      expect(retry.status).toBe(200);
    } finally {
      await offline.close();
    }
  });

  it('is ready once Temporal, the store and a polling worker answer', async () => {
    const ready = await waitFor(async () => {
      const res = await fetch(`${api.url}/readyz`);
      const answer = res.status === 200 ? ((await res.json()) as { status: string }) : undefined;
      return answer?.status === 'ready' ? answer : undefined;
    }, 'readyz 200 ready');
    expect(ready.status).toBe('ready');
  });
});
