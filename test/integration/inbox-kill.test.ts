import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/config';
import { openConfiguredStore } from '../../src/runtime/services';
import { migrateStore, type Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { Cluster } from '../support/cluster';
import { applyRecipe } from '../support/hooks';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import type { ThrowawayDatabase } from '../support/postgres-database';
import { runStarted, waitFor } from '../support/temporal';
import { freshPostgresDatabase } from './fresh-postgres';

const clientSecret = 'intercom-client-secret';

/**
 * `switchyard api` on PostgreSQL killed with SIGKILL after it acknowledged deliveries (their inbox
 * rows committed) and before it could start their runs (Temporal stopped, so no dispatch can have
 * happened): the API started again dispatches every one of them, once.
 */
describe('kill -9 of the API between the inbox commit and the dispatch', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-inbox-kill-'));
  const recipeId = `kill-${randomUUID().slice(0, 8)}`;
  let database: ThrowawayDatabase;
  let temporalPort: number;
  let temporal: DevServer | undefined;
  let cluster: Cluster | undefined;
  let store: Store;
  let client: Client;

  const startTemporal = async () => {
    temporal = await startDevServer({ cliPath: inject('temporalCliPath'), dbFile: path.join(dataDir, 'temporal.db'), port: temporalPort });
  };

  beforeAll(async () => {
    database = await freshPostgresDatabase('switchyard_inbox_kill');
    await migrateStore(database.url);
    temporalPort = await freePort();
    await startTemporal();
    cluster = await Cluster.start({ temporalAddress: `127.0.0.1:${temporalPort}`, databaseUrl: database.url, apis: 1, workers: 0, env: { SWITCHYARD_INBOX_SWEEP: '500ms' } });
    const config = parseConfig(cluster.env);
    store = await openConfiguredStore(config);
    client = await connectClient(temporalTarget(config));
    await store.connections.create({ id: 'intercom-kill', connector: 'intercom', name: 'Intercom', credentials: { clientSecret } });
    await applyRecipe(
      store,
      { id: recipeId, name: 'Kill', trigger: { type: 'webhook', connection: 'intercom-kill', event: 'conversation.user.created' }, steps: [{ id: 'pause', delay: '1s' }] },
      { 'intercom-kill': 'intercom' },
    );
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await client?.connection.close();
    await store?.close();
    await temporal?.stop();
    await database?.drop();
  });

  it('every acknowledged delivery starts its run once after the restart; a resent one is a duplicate', { timeout: 180_000 }, async () => {
    const bodies = Array.from({ length: 10 }, () => intercomNotification('conversation.user.created', { id: randomUUID() }));
    const post = (body: string) => postIntercomWebhook(cluster!.apis[0]!.url, 'intercom-kill', body, clientSecret);
    // The API reads the recipe within its plan cache's second.
    await waitFor(async () => (await store.recipes.listEnabled()).length === 1, 'the recipe enabled');
    await new Promise((r) => setTimeout(r, 1_100));

    await temporal!.stop();
    const runIds: string[] = [];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status).toBe(202);
      runIds.push(...((await res.json()) as { runs: { runId: string }[] }).runs.map((r) => r.runId));
    }
    expect(runIds).toHaveLength(10);
    expect((await store.inbox.stats()).depth).toBe(10);

    const victim = cluster!.apis[0]!;
    await cluster!.signal(victim, 'SIGKILL');
    await startTemporal();
    await cluster!.restart(victim);

    for (const runId of runIds) expect((await runStarted(client, runId, 60_000)).type).toBe('runRecipe');
    await waitFor(async () => (await store.inbox.stats()).depth === 0, 'the inbox empty', 30_000);
    for (const body of bodies) expect((await post(body)).status).toBe(200);
    await waitFor(async () => (await client.workflow.count(`WorkflowType = 'runRecipe' AND RecipeId = '${recipeId}'`)).count === 10, '10 runs listed', 30_000);
    expect((await client.workflow.count(`WorkflowType = 'runRecipe' AND RecipeId = '${recipeId}'`)).count).toBe(10);
  });
});
