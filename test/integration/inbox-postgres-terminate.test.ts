import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { migrateStore, type Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { applyRecipe } from '../support/hooks';
import { intercomNotification, signIntercom } from '../support/intercom-webhooks';
import type { ThrowawayDatabase } from '../support/postgres-database';
import { runStarted, waitFor } from '../support/temporal';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * Every PostgreSQL connection of the API terminated (three times) while deliveries keep coming:
 * what was acknowledged is in the inbox and its run starts; what was not got a 503.
 */
describe('inbox on PostgreSQL while its connections are terminated', () => {
  const secret = randomBytes(16).toString('hex');
  const topic = 'conversation.user.created';
  let db: ThrowawayDatabase;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await freshPostgresDatabase('inbox_pg_term');
    await migrateStore(db.url);
    const config = parseConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `inbox-pg-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-inbox-pg-')),
      DATABASE_URL: db.url,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_INBOX_SWEEP: '500ms',
      LOG_LEVEL: 'silent',
    });
    store = await openConfiguredStore(config, 'verify');
    await store.connections.create({ id: 'ic-term', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
    const never = [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }];
    await applyRecipe(store, { id: 'inbox-term', name: 'Term', trigger: { type: 'webhook', connection: 'ic-term', event: topic }, steps: never }, { 'ic-term': 'intercom' });
    client = await connectClient(temporalTarget(config));
    api = await startApi({ config, logger: createLogger(process.env.INBOX_TEST_LOG === '1' ? 'info' : 'silent'), store, client });
    admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => undefined);
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await api?.close();
    await client?.connection.close();
    await store?.close();
    await db?.drop();
  });

  it('every acknowledged delivery has its run started', { timeout: 120_000 }, async () => {
    const acked: string[] = [];
    const statuses: number[] = [];
    const ends = Date.now() + 6_000;
    const senders = Array.from({ length: 4 }, async () => {
      while (Date.now() < ends) {
        const body = intercomNotification(topic, { type: 'conversation', id: `c-${randomUUID()}` });
        const res = await fetch(`${api.url}/hooks/ic-term`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, secret) }, body }).catch(() => undefined);
        statuses.push(res?.status ?? 0);
        if (res?.status === 202) acked.push(...((await res.json()) as { runs: { runId: string }[] }).runs.map((r) => r.runId));
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    }
    await Promise.all(senders);
    expect(statuses.every((s) => s === 202 || s === 503), JSON.stringify(statuses)).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
    const missing = async () => {
      const started = await Promise.all(acked.map((id) => client.workflow.getHandle(id).describe().then(() => true, () => false)));
      return acked.filter((_, i) => !started[i]);
    };
    await waitFor(async () => (await missing()).length === 0, 'every acknowledged run started', 30_000).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}: ${(await missing()).length} of ${acked.length} not started; inbox ${JSON.stringify(await store.inbox.stats())}`);
    });
    for (const id of acked.slice(0, 3)) await runStarted(client, id);
  });
});
