import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { parseConfig } from '../../src/config/config';
import { compileRecipe } from '../../src/recipe/compile';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import type { Store } from '../../src/store/store';
import { runRecipe } from '../../workflows';
import type { Plan } from '../../workflows/plan';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { eventOf } from '../support/recipes';
import { openTestStore, testSecretKey } from '../support/stores';
import { freshPostgresDatabase } from './fresh-postgres';

const root = path.resolve(__dirname, '..', '..');
const connectionId = 'salesforce-main';

/** `switchyard worker` as its own process on its own task queue, ready once it logs that it polls. */
function spawnWorker(env: Record<string, string>, taskQueue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'switchyard'), 'worker'], {
    cwd: root,
    env: { ...process.env, ...env, TEMPORAL_TASK_QUEUE: taskQueue, SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-refresh-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not polling within 120 s:\n${output.join('')}`)), 120_000);
    const read = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes('switchyard worker polling')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${output.join('')}`)));
  });
}

/**
 * Issue 12 item 8: two `switchyard worker` processes on one PostgreSQL store run a Salesforce step
 * at the same moment, with credentials due for a refresh and a connected app that rotates refresh
 * tokens (each is single-use). The token endpoint sees one refresh per expiry, both steps succeed,
 * and the connection stays connected. Before the shared refresh each process spent the same
 * refresh token; the loser got invalid_grant and marked the connection disconnected.
 */
describe('OAuth2 refresh across worker processes', () => {
  let fake: SalesforceFake;
  let db: { url: string; drop(): Promise<void> };
  let store: Store;
  let client: Client;
  const workers: ChildProcess[] = [];
  const queues = [`refresh-a-${randomUUID()}`, `refresh-b-${randomUUID()}`];
  let plan: Plan;
  let contactId: string;

  beforeAll(async () => {
    fake = await new SalesforceFake().start();
    fake.rotateRefreshTokens = true;
    contactId = fake.seed('Contact', { LastName: 'Lovelace' }).Id;
    db = await freshPostgresDatabase('refresh');
    store = await openTestStore(db.url);
    await store.connections.create({
      id: connectionId,
      connector: 'salesforce',
      name: 'Salesforce',
      credentials: {
        accessToken: '00Dsf!expired',
        refreshToken: 'sf-refresh',
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
        clientId: fake.app.clientId,
        clientSecret: fake.app.clientSecret,
        tokenUrl: fake.tokenUrl,
        instanceUrl: fake.instanceUrl,
      },
    });
    const workerEnv = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      DATABASE_URL: db.url,
      SWITCHYARD_SECRET_KEY: testSecretKey.toString('base64'),
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      LOG_LEVEL: 'info',
    };
    // The engine's client: payloads sealed with the same key as the workers' codec.
    client = await connectClient(temporalTarget(parseConfig({ ...workerEnv, PORT: '0' })));
    const recipe = {
      id: 'read-contact',
      name: 'Read a contact',
      trigger: { type: 'event', event: 'contact.read' },
      steps: [{ id: 'read', action: 'salesforce.getRecord', connection: connectionId, input: { type: 'Contact', id: contactId }, retry: { maxAttempts: 1 } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([[connectionId, 'salesforce']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    plan = compiled.plan;
    workers.push(...(await Promise.all(queues.map((q) => spawnWorker(workerEnv, q)))));
  }, 240_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.filter((w) => w.exitCode === null).map((w) => new Promise((r) => w.once('exit', r))));
    await client?.connection.close();
    await store?.close();
    await db?.drop();
    await fake?.close();
  }, 60_000);

  /** One run per worker process at once; a short connection wait so a disconnect fails the run instead of parking it. */
  async function runOnBothWorkers(round: string) {
    const handles = await Promise.all(
      queues.map((taskQueue, i) =>
        client.workflow.start(runRecipe, {
          taskQueue,
          workflowId: `run/read-contact/${round}-${i}-${randomUUID()}`,
          args: [{ plan, event: eventOf({}, `${round}-${i}`), connectionWaitMs: 2_000 }],
        }),
      ),
    );
    return Promise.allSettled(handles.map((h) => h.result()));
  }

  const tokenRequests = () => fake.received('POST', '/login/services/oauth2/token').length;

  it('an expired access token: one refresh for both processes, both steps succeed, still connected', async () => {
    // The token endpoint answers its first request late, so both processes hold the expired credentials meanwhile.
    fake.fail({ kind: 'slow', delayMs: 2_000 });
    const results = await runOnBothWorkers('expired');
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : String((r.reason as Error).cause ?? r.reason)))).toEqual(['succeeded', 'succeeded']);
    expect(tokenRequests()).toBe(1);
    expect((await store.connections.get(connectionId))?.status).toBe('connected');
    const stored = await store.connections.boundCredentials(connectionId);
    expect(stored?.version).toBe(2);
    // What is stored is the rotated refresh token, the only one the vendor still accepts.
    expect([...fake.refreshTokens]).toEqual([(stored?.credentials as { refreshToken: string }).refreshToken]);
  }, 120_000);

  it('a session the vendor ended (401 in both processes): again one refresh, both succeed, still connected', async () => {
    fake.expireSessions();
    fake.fail({ kind: 'slow', delayMs: 2_000 });
    const results = await runOnBothWorkers('revoked-session');
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : String((r.reason as Error).cause ?? r.reason)))).toEqual(['succeeded', 'succeeded']);
    expect(tokenRequests()).toBe(2);
    expect((await store.connections.get(connectionId))?.status).toBe('connected');
    expect((await store.connections.boundCredentials(connectionId))?.version).toBe(3);
  }, 120_000);
});
