import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { startTestEngineParts, type TestEngineParts } from '../support/engine';
import { applyRecipe, boundedAll } from '../support/hooks';
import { waitFor } from '../support/temporal';
import { signIntercom } from '../support/intercom-webhooks';

/** How long Temporal stays down under steady load (the 60 s, shortened to keep CI affordable: the behaviour is the same). */
const OUTAGE_MS = 10_000;

/**
 * Ack ⇒ durable, against its own Temporal dev server (SQLite file, so it can be stopped and
 * started again on the same port with the same data): while it is down every delivery is still
 * acknowledged (the durable inbox holds it) and /readyz says dispatch is delayed; once it is back
 * every acknowledged delivery has exactly one run, and nothing else runs.
 */
describe('ingress acknowledges what the inbox holds, and Temporal runs it once it is back', () => {
  const secret = randomBytes(16).toString('hex');
  const recipeId = `ack-${randomUUID().slice(0, 8)}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-ack-'));
  let port: number;
  let server: DevServer | undefined;
  let engine: TestEngineParts;
  let store: Store;
  let api: ApiHandle;

  const startServer = async () => {
    server = await startDevServer({ cliPath: inject('temporalCliPath'), dbFile: path.join(dataDir, 'temporal.db'), port });
  };

  beforeAll(async () => {
    port = await freePort();
    await startServer();
    engine = await startTestEngineParts('ack', { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, SWITCHYARD_DATA_DIR: dataDir });
    store = engine.store;
    await store.connections.create({ id: 'intercom-ack', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
    await applyRecipe(
      store,
      {
        id: recipeId,
        name: 'Ack',
        trigger: { type: 'webhook', connection: 'intercom-ack', event: 'conversation.user.created' },
        steps: [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }],
      },
      { 'intercom-ack': 'intercom' },
    );
    api = await engine.startApi();
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
    await server?.stop();
  });

  const notification = (id: string) => JSON.stringify({ type: 'notification_event', id, topic: 'conversation.user.created', data: { item: { type: 'conversation', id } } });
  const post = (body: string) =>
    fetch(`${api.url}/hooks/intercom-ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, secret) },
      body,
    });
  const runCount = () => engine.client.workflow.count(`WorkflowType = 'runRecipe' AND RecipeId = '${recipeId}'`).then((r) => r.count);

  it(`Temporal stopped ${OUTAGE_MS / 1000} s under steady load: every delivery 2xx, every run completes after the restart, 0 lost, 0 doubled`, { timeout: 180_000 }, async () => {
    const acked = new Set<string>();
    const accept = async (body: string) => {
      const res = await post(body);
      expect(res.status).toBe(202);
      for (const run of ((await res.json()) as { runs: { runId: string }[] }).runs) acked.add(run.runId);
    };
    for (let i = 0; i < 5; i++) await accept(notification(`notif_${randomUUID()}`));

    await server!.stop();
    // Steady load through the outage: 3 senders, each posting (and re-posting one earlier delivery, a sender's retry) until Temporal returns.
    const outageEnds = Date.now() + OUTAGE_MS;
    const sent: string[] = [];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (Date.now() < outageEnds) {
          const body = notification(`notif_${randomUUID()}`);
          await accept(body);
          sent.push(body);
          const retry = await post(sent[Math.floor(Math.random() * sent.length)]!);
          expect(retry.status).toBe(200);
          await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('accepting_dispatch_delayed');

    await startServer();
    // Runs are durable in Temporal once dispatched: a worker started now completes every acknowledged one.
    await engine.startWorker();
    const results = await boundedAll([...acked], 20, (runId) =>
      waitFor(() => engine.client.workflow.getHandle(runId).result().catch(() => undefined) as Promise<{ status: string } | undefined>, `run ${runId}`, 60_000),
    );
    expect(results.map((r) => r.status)).toEqual([...acked].map(() => 'succeeded'));
    // Nothing beyond the acknowledged runs, each once.
    await waitFor(async () => (await runCount()) === acked.size, `${acked.size} runs listed`);
    expect(acked.size).toBe(5 + sent.length);
    await waitFor(async () => store.inbox.stats().then((s) => s.depth === 0), 'the inbox empty');
  });
});
