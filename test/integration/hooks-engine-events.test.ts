import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config';
import { startRuns } from '../../src/engine/start-runs';
import { runEventsCursor } from '../../src/engine/run-events';
import type { Store } from '../../src/store/store';
import { webhooksOutFromConfig } from '../../src/runtime/webhooks-out-wiring';
import { JiraFake } from '../../sandbox/jira-fake';
import { startTestEngineParts, type TestEngineParts } from '../support/engine';
import { startSink } from '../support/sink';
import { applyRecipe } from '../support/hooks';
import { waitFor, runResult, runStarted } from '../support/temporal';
import { startReceiver } from '../support/webhooks-out-harness';
import { jiraCredentials } from '../support/vendor-connections';

/**
 * Engine events raised outside the request path: run.succeeded / run.failed from Temporal
 * visibility, and connection.disconnected from a worker (through the store outbox), each
 * delivered once to an outgoing-webhook subscriber.
 */
describe('engine events from runs and workers', () => {
  let engine: TestEngineParts;
  let config: Config;
  let store: Store;
  let client: Client;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    engine = await startTestEngineParts('events', { SWITCHYARD_ENGINE_EVENTS_POLL: '200ms', SWITCHYARD_RUN_EVENTS_LAG: '1s' });
    ({ config, store, client } = engine);
    await engine.startWorker();
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
    await receiver?.close();
  });

  const deliveriesOf = (topic: string) => receiver.received.filter((r) => (r.json as { topic?: string } | undefined)?.topic === topic);

  it('connection.disconnected: a worker marks the connection on a Jira 401 with no API running; the API publishes it once it runs', { timeout: 90_000 }, async () => {
    const jira = await new JiraFake().start();
    try {
      await store.connections.create({
        id: 'jira-revoked',
        connector: 'jira',
        name: 'Jira',
        credentials: { ...jiraCredentials, password: 'revoked-token' },
        baseUrl: jira.url,
      });
      await webhooksOutFromConfig({ config, store, client }).create({ url: receiver.url, topics: ['connection.*'] });
      const plan = await applyRecipe(
        store,
        {
          id: `jira-${randomUUID().slice(0, 8)}`,
          name: 'To Jira',
          trigger: { type: 'event', event: 'ticket.escalated' },
          steps: [{ id: 'issue', action: 'jira.createIssue', connection: 'jira-revoked', input: { project: 'SUP', summary: 'Escalated' } }],
        },
        { 'jira-revoked': 'jira' },
      );
      // Started straight through Temporal: only the worker ever sees the 401.
      await startRuns(client, config.TEMPORAL_TASK_QUEUE, [plan], { id: `evt_${randomUUID()}`, topic: 'ticket.escalated', source: 'api', receivedAt: new Date().toISOString(), payload: {} });
      await waitFor(async () => (await store.connections.get('jira-revoked'))?.status === 'disconnected', 'the worker marks the connection disconnected');
      const queued = await store.outbox.pending();
      expect(queued.map((e) => e.topic)).toEqual(['connection.disconnected']);
      expect(receiver.received).toHaveLength(0);

      await engine.startApi();
      const [delivery] = await waitFor(async () => (deliveriesOf('connection.disconnected').length > 0 ? deliveriesOf('connection.disconnected') : undefined), 'connection.disconnected delivered');
      expect(delivery!.json).toMatchObject({
        topic: 'connection.disconnected',
        data: { item: { type: 'engine_event', id: queued[0]!.id, connectionId: 'jira-revoked', connector: 'jira', reason: expect.stringContaining('401') } },
      });
      await waitFor(async () => (await store.outbox.pending()).length === 0, 'outbox drained');
      expect(deliveriesOf('connection.disconnected')).toHaveLength(1);
    } finally {
      await jira.close();
    }
  });

  it('run.failed: one delivery for a failed run, none for a succeeded one, and a re-poll of the same window sends nothing again', { timeout: 90_000 }, async () => {
    await engine.startApi();
    const failing = await startSink(400);
    try {
      await webhooksOutFromConfig({ config, store, client }).create({ url: receiver.url, topics: ['run.failed'] });
      const recipe = (id: string, url: string) => ({
        id,
        name: id,
        trigger: { type: 'event', event: 'order.placed' },
        steps: [{ id: 'post', action: 'webhook.post', input: { url, body: { order: '{{ trigger.data.id }}' } } }],
      });
      const failPlan = await applyRecipe(store, recipe(`fails-${randomUUID().slice(0, 8)}`, `${failing.url}/reject`), {});
      const okSink = await startSink(200);
      const okPlan = await applyRecipe(store, recipe(`works-${randomUUID().slice(0, 8)}`, `${okSink.url}/accept`), {});
      const event = { id: `evt_${randomUUID()}`, topic: 'order.placed', source: 'api', receivedAt: new Date().toISOString(), payload: { data: { id: 'o1' } } };
      const [failed, succeeded] = await startRuns(client, config.TEMPORAL_TASK_QUEUE, [failPlan, okPlan], event);
      await expect(runResult(client, failed!.workflowId)).rejects.toThrow();
      await runResult(client, succeeded!.workflowId);
      await okSink.close();

      const runFailed = () => deliveriesOf('run.failed');
      const [delivery] = await waitFor(async () => (runFailed().length > 0 ? runFailed() : undefined), 'run.failed delivered', 30_000);
      const item = (delivery!.json as { data: { item: Record<string, unknown> } }).data.item;
      expect(item).toMatchObject({ type: 'engine_event', runId: failed!.workflowId, recipeId: failPlan.recipeId, status: 'failed', error: expect.stringContaining('step post failed') });
      const description = await runStarted(client, failed!.workflowId);
      expect(item.id).toBe(`run:${failed!.workflowId}:${description.runId}`);

      // Rewind the cursor before both runs closed: the pump re-reads the window, publishes the same
      // event ids, and the subscriber gets nothing new.
      const closedAt = description.closeTime!.getTime();
      await store.outbox.setCursor(runEventsCursor, new Date(closedAt - 60_000).toISOString());
      await waitFor(async () => ((await store.outbox.cursor(runEventsCursor))! > new Date(closedAt).toISOString() ? true : undefined), 'the pump re-read the window');
      expect(runFailed()).toHaveLength(1);
      expect(receiver.received.filter((r) => JSON.stringify(r.json).includes(succeeded!.workflowId))).toHaveLength(0);
    } finally {
      await failing.close();
    }
  });
});
