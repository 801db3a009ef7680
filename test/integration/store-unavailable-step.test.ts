import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { actionCatalog } from '../../connectors/registry';
import { createLogger } from '../../src/logging';
import { compileRecipe } from '../../src/recipe/compile';
import { storeConnectionResolver } from '../../src/runtime/connection-resolver';
import type { Store } from '../../src/store/store';
import { runRecipe, stateQuery } from '../../workflows';
import { CatchHookFake } from '../../sandbox/catch-hook-fake';
import { GoogleSheetsFake } from '../../sandbox/google-sheets-fake';
import { SlackFake } from '../../sandbox/slack-fake';
import { eventOf } from '../support/recipes';
import { openTestStore } from '../support/stores';
import { connectToDevServer, createTestWorker, waitFor } from '../support/temporal';
import { adminQuery as serverAdminQuery } from '../support/postgres-database';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * Issue 12 item 11: the store failing while a step resolves its connection is no vendor failure.
 * The worker's PostgreSQL database refuses every connection for longer than the step's two
 * attempts last; the step waits for the store instead of spending them, and once the database
 * answers again the message is posted exactly once. Before, each failed lookup was an attempt
 * and the run failed without Slack ever being called.
 * The same holds where else an activity meets the store: the side-effect ledger, the OAuth2
 * refresh, marking a connection disconnected. And a store that fails once the vendor confirmed an
 * effect must not make the step call again (at-least-once actions have nothing else to stop it).
 */
const adminQuery = (query: string) => serverAdminQuery(inject('postgresUrl'), query);

describe('a store outage while a step runs', () => {
  let slack: SlackFake;
  let db: { url: string; name: string; drop(): Promise<void> };
  let store: Store;
  let env: TestWorkflowEnvironment;

  let hook: CatchHookFake;
  let sheets: GoogleSheetsFake;
  const connections = new Map([
    ['slack-main', 'slack'],
    ['slack-lost', 'slack'],
    ['sheets-main', 'google-sheets'],
  ]);

  beforeAll(async () => {
    slack = await new SlackFake().start();
    hook = await new CatchHookFake().start();
    sheets = await new GoogleSheetsFake().start();
    const fresh = await freshPostgresDatabase('storeblip');
    db = { ...fresh, name: new URL(fresh.url).pathname.slice(1) };
    store = await openTestStore(db.url);
    await store.connections.create({ id: 'slack-main', connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: slack.url });
    await store.connections.create({ id: 'slack-lost', connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: slack.url });
    await store.connections.create({
      id: 'sheets-main',
      connector: 'google-sheets',
      name: 'Sheets',
      // Expired: the step refreshes before it calls Sheets.
      credentials: { accessToken: 'ya29.expired', refreshToken: '1//refresh', expiresAt: new Date(Date.now() - 60_000).toISOString(), tokenUrl: `${sheets.url}/token`, clientId: 'cid', clientSecret: 'csecret' },
      baseUrl: `${sheets.url}/v4`,
    });
    env = await connectToDevServer();
  }, 120_000);

  afterAll(async () => {
    await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await store?.close();
    await env?.teardown();
    await db?.drop();
    await slack?.close();
    await hook?.close();
    await sheets?.close();
  });

  /** The database goes away: new connections are refused and the open ones are ended. */
  const takeDatabaseAway = async () => {
    await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
  };
  const bringDatabaseBack = () => adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`);
  // A case that failed halfway leaves the next one a database to work with.
  afterEach(bringDatabaseBack);

  /** A worker whose activities use the store as the engine's do: connections, OAuth2 refresh, the side-effect ledger. */
  const storeWorker = () =>
    createTestWorker(env, { activities: createActivities({ connections: storeConnectionResolver(store, createLogger('silent')), egressAllow: ['127.0.0.1/32'], effects: store.effects }) });

  /** Starts a one-step run of `step` (id `notify`) on `worker`'s task queue. */
  async function startStep(worker: Awaited<ReturnType<typeof storeWorker>>, step: Record<string, unknown>) {
    const id = `store-blip-${randomUUID().slice(0, 8)}`;
    const recipe = { id, name: id, trigger: { type: 'event', event: 'store.blip' }, steps: [{ id: 'notify', ...step }] };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    const handle = await env.client.workflow.start(runRecipe, {
      taskQueue: worker.options.taskQueue,
      workflowId: `run/${id}/${randomUUID()}`,
      args: [{ plan: compiled.plan, event: eventOf({}, `blip-${id}`) }],
    });
    // A regular activity's failure is an ActivityTaskFailed event; a local one's, a marker carrying the failure.
    const failedExecutions = async () => (await handle.fetchHistory()).events?.filter((e) => e.activityTaskFailedEventAttributes || e.markerRecordedEventAttributes?.failure).length ?? 0;
    const running = async () => (await handle.describe()).status.name === 'RUNNING';
    /** Waits until `n` executions of the step failed (or the run ended). */
    const failed = (n: number, what: string) => waitFor(async () => (await failedExecutions()) >= n || !(await running()), what, 60_000);
    return { handle, failedExecutions, running, failed };
  }

  const retry = { maxAttempts: 2, initialInterval: '1s', maxInterval: '2s' };

  it('a step with 2 attempts outlasts 3 failed lookups without spending them; the vendor sees one call', async () => {
    const recipe = {
      id: 'store-blip',
      name: 'Post while the store blips',
      trigger: { type: 'event', event: 'store.blip' },
      steps: [{ id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'hello' }, retry: { maxAttempts: 2, initialInterval: '1s', maxInterval: '2s' } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([['slack-main', 'slack']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    const worker = await createTestWorker(env, { activities: createActivities({ connections: storeConnectionResolver(store, createLogger('silent')), egressAllow: ['127.0.0.1/32'] }) });
    await worker.runUntil(async () => {
      // The database goes away: new connections are refused and the open ones are ended.
      await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
      const handle = await env.client.workflow.start(runRecipe, {
        taskQueue: worker.options.taskQueue,
        workflowId: `run/store-blip/${randomUUID()}`,
        args: [{ plan: compiled.plan, event: eventOf({}, 'blip-1') }],
      });
      // Each lookup the store failed is one failed activity execution in the history (none is retried by
      // Temporal): a failed activity task, or the marker of a failed local activity (the step is a short one).
      const failedLookups = async () => (await handle.fetchHistory()).events?.filter((e) => e.activityTaskFailedEventAttributes || e.markerRecordedEventAttributes?.failure).length ?? 0;
      await waitFor(async () => (await failedLookups()) >= 3 || (await handle.describe()).status.name !== 'RUNNING', 'three failed connection lookups', 60_000);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const waiting = await handle.query(stateQuery);
      expect(waiting.steps.notify).toMatchObject({ status: 'waiting', waitingFor: expect.stringContaining('the store') });
      expect(slack.received('POST', '/chat.postMessage')).toHaveLength(0);

      await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`);
      const summary = await handle.result();
      expect(summary.status).toBe('succeeded');
      expect(summary.steps.notify).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(slack.received('POST', '/chat.postMessage')).toHaveLength(1);
    });
  }, 120_000);
  it('the ledger unreadable before an at-least-once call: the step waits without spending its 2 attempts; the hook is called once', async () => {
    hook.reset();
    const worker = await storeWorker();
    await worker.runUntil(async () => {
      await takeDatabaseAway();
      const run = await startStep(worker, { action: 'webhook.post', input: { url: `${hook.url}${hook.hookPath}`, body: { n: 1 } }, retry });
      await run.failed(3, 'three executions failed on the ledger');
      expect(await run.running()).toBe(true);
      expect((await run.handle.query(stateQuery)).steps.notify).toMatchObject({ status: 'waiting', waitingFor: expect.stringContaining('side-effect ledger') });
      expect(hook.received('POST', hook.hookPath)).toHaveLength(0);
      await bringDatabaseBack();
      const summary = await run.handle.result();
      expect(summary.steps.notify).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(hook.received('POST', hook.hookPath)).toHaveLength(1);
    });
  }, 120_000);

  it('the database gone after the hook took an at-least-once call: the step answers with its output, it does not call again', async () => {
    hook.reset();
    hook.fail({ kind: 'meanwhile', run: takeDatabaseAway });
    const worker = await storeWorker();
    await worker.runUntil(async () => {
      const run = await startStep(worker, { action: 'webhook.post', input: { url: `${hook.url}${hook.hookPath}`, body: { n: 2 } }, retry: { ...retry, initialInterval: '3s', maxInterval: '3s' } });
      // The store comes back once the run ended, or (before) within the backoff after the unrecorded confirmation failed the first attempt.
      const retrying = async () => ((await run.handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 1) > 1 || (await run.failedExecutions()) > 0;
      await waitFor(async () => !(await run.running()) || (await retrying()), 'the run to end or its step to be retried', 60_000);
      await bringDatabaseBack();
      const summary = await run.handle.result();
      expect(hook.received('POST', hook.hookPath)).toHaveLength(1);
      expect(summary.steps.notify).toMatchObject({ status: 'succeeded', attempts: 1, output: { status: 200 } });
      expect(await run.failedExecutions()).toBe(0);
    });
  }, 120_000);

  it('the database gone while the vendor says 401: the step waits for the store, then the connection is marked disconnected', async () => {
    slack.reset();
    // The 401 (Slack's invalid_auth) arrives with the database gone, and again once it is back.
    slack.fail({ kind: 'meanwhile', run: takeDatabaseAway, then: { kind: 'unauthorized' } });
    slack.fail({ kind: 'unauthorized' }, 3);
    const worker = await storeWorker();
    await worker.runUntil(async () => {
      const run = await startStep(worker, { action: 'slack.postMessage', connection: 'slack-lost', input: { channel: '#support', text: 'hello' }, retry: { ...retry, maxAttempts: 1 } });
      await run.failed(2, 'the 401 and a failed lookup');
      // Before: the failure to mark the connection was an unclassified error, and the 1-attempt step failed.
      expect(await run.running()).toBe(true);
      expect((await run.handle.query(stateQuery)).steps.notify).toMatchObject({ status: 'waiting', waitingFor: expect.stringContaining('the store') });
      await bringDatabaseBack();
      await waitFor(async () => (await run.handle.query(stateQuery)).steps.notify?.waitingFor?.startsWith('connection slack-lost'), 'the step to wait for the connection', 60_000);
      expect(await store.connections.get('slack-lost')).toMatchObject({ status: 'disconnected' });
      await run.handle.terminate('test done');
    });
  }, 120_000);

  it('the database gone while an OAuth2 refresh stores its tokens: the step waits for the store, then stores them without a second token request', async () => {
    sheets.reset();
    sheets.tokens.reset();
    sheets.fail({ kind: 'meanwhile', run: takeDatabaseAway });
    const worker = await storeWorker();
    await worker.runUntil(async () => {
      const run = await startStep(worker, {
        action: 'google-sheets.appendRow',
        connection: 'sheets-main',
        input: { spreadsheetId: 'sheet123', range: 'Closed!A:B', values: ['c1', 'Order stuck'] },
        retry: { ...retry, maxAttempts: 1 },
      });
      await run.failed(2, 'the refresh and a failed lookup');
      // Before: the failed swap was an unclassified error, and the 1-attempt step failed.
      expect(await run.running()).toBe(true);
      expect(sheets.tokens.requests).toBe(1);
      await bringDatabaseBack();
      const summary = await run.handle.result();
      expect(summary.steps.notify).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(sheets.tokens.requests).toBe(1);
      const stored = await store.connections.boundCredentials('sheets-main');
      expect(stored).toMatchObject({ version: 2, credentials: { accessToken: expect.not.stringMatching(/^ya29\.expired$/) } });
      expect(sheets.sheets.get('sheet123')!.get('Closed')!.slice(1)).toHaveLength(1);
    });
  }, 120_000);
});
