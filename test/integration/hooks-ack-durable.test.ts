import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { startWorker, type WorkerHandle } from '../../src/runtime/worker';
import type { Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { applyRecipe, boundedAll } from '../support/hooks';
import { waitFor } from '../support/temporal';
import { signIntercom } from '../support/intercom-webhooks';

/**
 * Ack ⇒ durable, against its own Temporal dev server (SQLite file, so it can be stopped and
 * started again on the same port with the same data): while it is down every delivery is 503 +
 * Retry-After and nothing runs; once it is back the sender's retries are accepted, and every 2xx
 * has its run.
 */
describe('ingress acknowledges only what Temporal accepted', () => {
  const secret = randomBytes(16).toString('hex');
  const recipeId = `ack-${randomUUID().slice(0, 8)}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-ack-'));
  let port: number;
  let server: DevServer | undefined;
  let config: Config;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let worker: WorkerHandle | undefined;

  const startServer = async () => {
    server = await startDevServer({ cliPath: inject('temporalCliPath'), dbFile: path.join(dataDir, 'temporal.db'), port });
  };

  beforeAll(async () => {
    port = await freePort();
    await startServer();
    config = parseConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_TASK_QUEUE: `ack-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      LOG_LEVEL: 'silent',
    });
    store = await openConfiguredStore(config);
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
    client = await connectClient(temporalTarget(config));
    api = await startApi({ config, logger: createLogger('silent'), store, client });
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await worker?.shutdown();
    await client?.connection.close();
    await store?.close();
    await server?.stop();
  });

  const notification = (id: string) => JSON.stringify({ type: 'notification_event', id, topic: 'conversation.user.created', data: { item: { type: 'conversation', id } } });
  const post = (body: string) =>
    fetch(`${api.url}/hooks/intercom-ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, secret) },
      body,
    });
  const runCount = () => client.workflow.count(`WorkflowType = 'runRecipe' AND RecipeId = '${recipeId}'`).then((r) => r.count);

  it('503 + Retry-After while Temporal is down, the retries succeed once it is back, every 2xx has its run', { timeout: 180_000 }, async () => {
    const acked = new Set<string>();
    const before = Array.from({ length: 5 }, () => notification(`notif_${randomUUID()}`));
    for (const body of before) {
      const res = await post(body);
      expect(res.status).toBe(202);
      for (const run of ((await res.json()) as { runs: { runId: string }[] }).runs) acked.add(run.runId);
    }

    await server!.stop();
    const during = Array.from({ length: 10 }, () => notification(`notif_${randomUUID()}`));
    const refused = await boundedAll(during, 5, async (body) => {
      const res = await post(body);
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } } };
    });
    expect(refused.map((r) => r.status)).toEqual(during.map(() => 503));
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.body.error?.code).toBe('temporal_unavailable');
    }

    await startServer();
    // The sender retries each refused delivery until it is acknowledged.
    await boundedAll(during, 5, async (body) =>
      waitFor(
        async () => {
          const res = await post(body);
          if (res.status === 503) return undefined;
          expect(res.status).toBe(202);
          for (const run of ((await res.json()) as { runs: { runId: string }[] }).runs) acked.add(run.runId);
          return true;
        },
        'a retry accepted after the restart',
        60_000,
      ),
    );
    expect(acked.size).toBe(15);

    // Runs are durable in Temporal: a worker started now completes every acknowledged one.
    worker = await startWorker({ config, logger: createLogger('silent'), store, target: temporalTarget(config) });
    for (const runId of acked) expect(((await client.workflow.getHandle(runId).result()) as { status: string }).status).toBe('succeeded');
    // Nothing beyond the acknowledged runs: the refused attempts started none.
    await waitFor(async () => (await runCount()) === 15, '15 runs listed');
    expect(await runCount()).toBe(15);
  });
});
