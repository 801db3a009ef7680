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
import { adminQuery as serverAdminQuery } from '../support/postgres-database';
import { waitFor } from '../support/temporal';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * Issue #12: a PostgreSQL store that cannot answer now — a lock not granted within `lock_timeout`,
 * its connection terminated under a query, the database refusing connections — answers the
 * ingress (/hooks and POST /api/v1/events) 503 `store_unavailable` with Retry-After, as a busy
 * SQLite store does (hooks-hardening.test.ts), and the sender's retry is accepted once it answers.
 * Before, each of these was a 500. The API runs without a worker: only the answers matter.
 */
const adminQuery = (query: string) => serverAdminQuery(inject('postgresUrl'), query);

describe('a PostgreSQL store that cannot answer now, at the ingress', () => {
  const secret = randomBytes(16).toString('hex');
  const adminToken = randomBytes(32).toString('base64');
  const topic = 'conversation.user.created';
  const eventTopic = `order.pg.${randomUUID().slice(0, 8)}`;
  let db: { url: string; name: string; drop(): Promise<void> };
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  /** A second session on the same database, holding locks as another writer would. */
  let other: pg.Client;

  beforeAll(async () => {
    const fresh = await freshPostgresDatabase('ingress_pg');
    db = { ...fresh, name: new URL(fresh.url).pathname.slice(1) };
    await migrateStore(db.url);
    const config = parseConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `ingress-pg-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-ingress-pg-')),
      DATABASE_URL: db.url,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'silent',
    });
    store = await openConfiguredStore(config, 'verify');
    await store.connections.create({ id: 'ic-pg', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
    const never = [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }];
    await applyRecipe(store, { id: 'ingress-pg', name: 'Ingress', trigger: { type: 'webhook', connection: 'ic-pg', event: topic }, steps: never }, { 'ic-pg': 'intercom' });
    await applyRecipe(store, { id: 'ingress-pg-event', name: 'Event', trigger: { type: 'event', event: eventTopic }, steps: never }, {});
    client = await connectClient(temporalTarget(config));
    api = await startApi({ config, logger: createLogger('silent'), store, client });
    other = new pg.Client({ connectionString: db.url });
    other.on('error', () => undefined);
    await other.connect();
  }, 60_000);

  afterAll(async () => {
    await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await other?.end().catch(() => undefined);
    await api?.close();
    await client?.connection.close();
    await store?.close();
    await db?.drop();
  });

  const postHook = (body: string) => fetch(`${api.url}/hooks/ic-pg`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, secret) }, body });
  const postEvent = (body: string) =>
    fetch(`${api.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body });
  const answer = async (res: Response) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } } });
  const unavailable = { status: 503, retryAfter: expect.stringMatching(/^[1-9]\d*$/), body: { error: { code: 'store_unavailable' } } };
  /** The API's sessions (every one but `other`), optionally only those waiting for a lock. */
  const apiBackends = async (waitingForLock = false) =>
    (
      await other.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ${waitingForLock ? "AND wait_event_type = 'Lock'" : ''}`,
      )
    ).rows.map((r) => r.pid);
  const terminate = async (pids: number[]) => {
    for (const pid of pids) await other.query('SELECT pg_terminate_backend($1)', [pid]);
  };

  it('a query whose connection is terminated while it waits for a lock (57P01) is 503, and the retry is accepted', async () => {
    const body = intercomNotification(topic, { type: 'conversation', id: `c-${randomUUID()}` });
    await other.query('BEGIN');
    try {
      await other.query('LOCK TABLE connections IN ACCESS EXCLUSIVE MODE');
      const pending = postHook(body);
      const waiting = await waitFor(async () => {
        const pids = await apiBackends(true);
        return pids.length > 0 ? pids : undefined;
      }, 'the delivery to wait for the lock', 10_000);
      await terminate(waiting);
      expect(await answer(await pending)).toMatchObject(unavailable);
    } finally {
      await other.query('ROLLBACK');
    }
    expect((await postHook(body)).status).toBe(202);
  });

  it('a lock not granted within lock_timeout (55P03) is 503 on /hooks and /api/v1/events, and the retries are accepted', async () => {
    // New sessions wait at most 300 ms for a lock; the API's open ones are ended so its pool opens new ones.
    await adminQuery(`ALTER DATABASE ${db.name} SET lock_timeout = '300ms'`);
    await terminate(await apiBackends());
    const hook = intercomNotification(topic, { type: 'conversation', id: `c-${randomUUID()}` });
    const event = JSON.stringify({ topic: eventTopic, id: `evt-${randomUUID()}`, data: {} });
    await other.query('BEGIN');
    try {
      await other.query('LOCK TABLE inbound_deliveries IN ACCESS EXCLUSIVE MODE');
      // The pool may first meet a session ended above (Connection terminated): a 503 as well.
      expect(await answer(await postHook(hook))).toMatchObject(unavailable);
      expect(await answer(await postHook(hook))).toMatchObject(unavailable);
      expect(await answer(await postEvent(event))).toMatchObject(unavailable);
    } finally {
      await other.query('ROLLBACK');
      await adminQuery(`ALTER DATABASE ${db.name} RESET lock_timeout`);
    }
    expect((await postHook(hook)).status).toBe(202);
    expect((await postEvent(event)).status).toBe(202);
  });

  it('a database that refuses connections is 503 on /hooks, and the retry is accepted once it takes them again', async () => {
    const body = intercomNotification(topic, { type: 'conversation', id: `c-${randomUUID()}` });
    await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
    try {
      await terminate(await apiBackends());
      expect(await answer(await postHook(body))).toMatchObject(unavailable);
      expect(await answer(await postHook(body))).toMatchObject(unavailable);
    } finally {
      await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`);
    }
    expect((await postHook(body)).status).toBe(202);
  });
});
