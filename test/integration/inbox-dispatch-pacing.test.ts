import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Plan, RunEvent } from '../../workflows/plan';
import { startInbox, type Inbox, type InboxOptions } from '../../src/engine/inbox';
import { PlanCache } from '../../src/engine/plan-cache';
import { eventHash, runWorkflowId } from '../../src/engine/start-runs';
import { createLogger } from '../../src/logging';
import type { Store } from '../../src/store/store';
import { openTestStore, storeBackends } from '../support/stores';
import { waitFor } from '../support/temporal';

/** Counts the StartWorkflowExecution calls a client makes, and the most in flight at once. */
function countingStarts() {
  const seen = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const interceptor: WorkflowClientInterceptor = {
    async start(input, next) {
      seen.calls++;
      seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
      try {
        return await next(input);
      } finally {
        seen.inFlight--;
      }
    },
  };
  return { seen, interceptors: { workflow: [interceptor] } };
}

/**
 * Issue #13: the dispatcher starts a committed batch one run at a time by default (paced by
 * Temporal's answers; SWITCHYARD_INBOX_STARTS_IN_FLIGHT raises it), and after a failed start takes
 * no further row of the batch: they wait in the inbox for the sweep instead of each waiting out its
 * own start deadline.
 */
describe('inbox dispatch pacing', () => {
  const taskQueue = `pacing-${randomUUID()}`;
  const recipeId = `pacing-${randomUUID().slice(0, 8)}`;
  const plan: Plan = { planFormat: 1, recipeId, version: 'v1', name: recipeId, enabled: true, trigger: { type: 'event', event: 'order.created' }, steps: [], connections: [] };
  const limits = { maxRows: 10_000, maxAgeMs: 3_600_000, sweepMs: 3_600_000 };
  const events = 40;
  let store: Store;
  const clients: Client[] = [];
  const inboxes: Inbox[] = [];
  const started: string[] = [];

  const appendAll = (inbox: Inbox) =>
    Promise.all(
      Array.from({ length: events }, () => {
        const event: RunEvent = { id: `evt-${randomUUID()}`, topic: 'order.created', source: 'api', receivedAt: new Date().toISOString(), payload: {} };
        started.push(runWorkflowId(recipeId, event));
        return inbox.append(event, eventHash('api', event.id), [recipeId]);
      }),
    );
  const inboxWith = (client: Client, startDeadlineMs?: number, limitsOf: InboxOptions['limits'] = limits) => {
    clients.push(client);
    const inbox = startInbox({ store, plans: new PlanCache(store.recipes), client, taskQueue, logger: createLogger('silent'), limits: limitsOf, startDeadlineMs });
    inboxes.push(inbox);
    return inbox;
  };

  beforeAll(async () => {
    store = await openTestStore(storeBackends[0].url());
    await store.recipes.apply({}, plan);
  });
  afterAll(async () => {
    for (const inbox of inboxes) await inbox.stop();
    const [live] = clients;
    for (const id of started) await live?.workflow.getHandle(id).terminate().catch(() => undefined);
    for (const client of clients) await client.connection.close();
    await store.close();
  });

  it.each([
    { startsInFlight: undefined, most: 1 },
    { startsInFlight: 4, most: 4 },
  ])('starts a batch of 40 committed events at most $most at a time (startsInFlight $startsInFlight), and every run', async ({ startsInFlight, most }) => {
    const first = started.length;
    const { seen, interceptors } = countingStarts();
    const inbox = inboxWith(new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }), interceptors }), undefined, { ...limits, startsInFlight });
    expect(await appendAll(inbox)).toEqual(Array(events).fill(true));
    await waitFor(async () => inbox.status().depth === 0 || undefined, 'the inbox to drain');
    expect(seen.calls).toBe(events);
    if (most > 1) expect(seen.maxInFlight).toBeGreaterThan(1);
    expect(seen.maxInFlight).toBeLessThanOrEqual(most);
    for (const id of started.slice(first)) expect((await clients[0]!.workflow.getHandle(id).describe()).taskQueue).toBe(taskQueue);
  });

  it('keeps at most queuedMax committed rows in memory; the rest start from the store at the sweep', async () => {
    const first = started.length;
    const { seen, interceptors } = countingStarts();
    const connect = () => Connection.connect({ address: inject('temporalAddress') });
    // No sweep for an hour: what this inbox starts is what it kept in memory.
    const holding = inboxWith(new Client({ connection: await connect(), interceptors }), undefined, { ...limits, queuedMax: 5 });
    expect(await appendAll(holding)).toEqual(Array(events).fill(true));
    await waitFor(async () => (seen.calls === 5 && seen.inFlight === 0) || undefined, 'the 5 rows kept in memory to start');
    expect(holding.status().depth).toBe(events - 5);
    await holding.stop();

    // The others were committed: a sweep (here another process's) starts each of them once.
    const sweeping = inboxWith(new Client({ connection: await connect(), interceptors }), undefined, { ...limits, sweepMs: 100 });
    await waitFor(async () => (seen.calls === events && seen.inFlight === 0) || undefined, 'the sweep to start the rest');
    await waitFor(async () => sweeping.status().depth === 0 || undefined, 'the inbox to drain');
    for (const id of started.slice(first)) expect((await clients[0]!.workflow.getHandle(id).describe()).taskQueue).toBe(taskQueue);
  });

  it('after a failed start, takes no further row of the batch: the rest wait in the inbox', async () => {
    const { seen, interceptors } = countingStarts();
    const inbox = inboxWith(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 300 }), interceptors }), 1_000);
    await appendAll(inbox);
    await waitFor(async () => (inbox.status().dispatchDelayed !== undefined && seen.inFlight === 0) || undefined, 'the dispatch to fail');
    expect(seen.calls).toBe(1);
    expect(inbox.status().depth).toBeGreaterThanOrEqual(events);
  });
});
