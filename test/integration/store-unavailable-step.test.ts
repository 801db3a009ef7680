import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { actionCatalog } from '../../connectors/registry';
import { createLogger } from '../../src/logging';
import { compileRecipe } from '../../src/recipe/compile';
import { storeConnectionResolver } from '../../src/runtime/connection-resolver';
import type { Store } from '../../src/store/store';
import { runRecipe, stateQuery } from '../../workflows';
import { SlackFake } from '../fakes/slack-fake';
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
 */
const adminQuery = (query: string) => serverAdminQuery(inject('postgresUrl'), query);

describe('a store outage while resolving the connection', () => {
  let slack: SlackFake;
  let db: { url: string; name: string; drop(): Promise<void> };
  let store: Store;
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    slack = await new SlackFake().start();
    const fresh = await freshPostgresDatabase('storeblip');
    db = { ...fresh, name: new URL(fresh.url).pathname.slice(1) };
    store = await openTestStore(db.url);
    await store.connections.create({ id: 'slack-main', connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: slack.url });
    env = await connectToDevServer();
  }, 120_000);

  afterAll(async () => {
    await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await store?.close();
    await env?.teardown();
    await db?.drop();
    await slack?.close();
  });

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
});
