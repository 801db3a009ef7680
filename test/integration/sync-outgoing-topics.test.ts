import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhooksOutFromConfig } from '../../src/runtime/webhooks-out-wiring';
import type { Store } from '../../src/store/store';
import { startTestEngineParts, type TestEngineParts } from '../support/engine';
import { waitFor } from '../support/temporal';
import { startReceiver } from '../support/webhooks-out-harness';

/**
 * `sync.record.conflict` and `sync.error`: the sync store queues them in the transaction that
 * records the cycle (the engine makes no extra call), and the API's event pump delivers them.
 */
describe('sync events as outgoing webhook topics', () => {
  let engine: TestEngineParts;
  let store: Store;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    engine = await startTestEngineParts('sync-topics', { SWITCHYARD_ENGINE_EVENTS_POLL: '200ms' });
    store = engine.store;
    // Outgoing deliveries are workflows: the worker runs them.
    await engine.startWorker();
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await receiver?.close();
  });

  const deliveriesOf = (topic: string) => receiver.received.filter((r) => (r.json as { topic?: string } | undefined)?.topic === topic);

  it('queues one outbox event per conflict and error, in the cycle’s transaction, and none for writes or duplicates', async () => {
    const syncId = `queued-${randomUUID().slice(0, 8)}`;
    await store.syncs.saveCycle(syncId, [], [
      { kind: 'write', side: 'right', recordId: '003A', otherId: 'ic-1', detail: {} },
      { kind: 'duplicate', side: 'left', recordId: 'ic-2', otherId: '003B', detail: {} },
      { kind: 'conflict', side: 'left', recordId: 'ic-1', otherId: '003A', detail: { field: 'fields[0]', winner: 'right' } },
      { kind: 'error', side: 'right', recordId: '003C', detail: { message: 'REQUIRED_FIELD_MISSING' } },
    ]);
    const mine = (await store.outbox.pending()).filter((e) => (e.data as { syncId?: string }).syncId === syncId);
    expect(mine.map((e) => [e.topic, e.data]).sort()).toEqual([
      ['sync.error', { syncId, kind: 'error', side: 'right', recordId: '003C', otherId: null, detail: { message: 'REQUIRED_FIELD_MISSING' } }],
      ['sync.record.conflict', { syncId, kind: 'conflict', side: 'left', recordId: 'ic-1', otherId: '003A', detail: { field: 'fields[0]', winner: 'right' } }],
    ]);
    // A cycle that fails to commit leaves no event behind: the duplicate link breaks the transaction.
    const failing = `failing-${randomUUID().slice(0, 8)}`;
    const link = { leftId: 'ic-9', rightId: '003Z', leftHash: 'a', rightHash: 'b', state: {} };
    await store.syncs.saveCycle(failing, [link], []);
    await expect(store.syncs.saveCycle(failing, [{ ...link, leftId: 'ic-10' }], [{ kind: 'conflict', side: 'left', recordId: 'ic-10', detail: {} }])).rejects.toThrow();
    expect((await store.outbox.pending()).filter((e) => (e.data as { syncId?: string }).syncId === failing)).toEqual([]);
  });

  it('a conflict recorded by a cycle reaches a sync.record.conflict subscriber exactly once', { timeout: 60_000 }, async () => {
    await webhooksOutFromConfig(engine).create({ url: receiver.url, topics: ['sync.record.conflict'] });
    await engine.startApi();
    const syncId = `delivered-${randomUUID().slice(0, 8)}`;
    await store.syncs.saveCycle(syncId, [], [
      { kind: 'conflict', side: 'right', recordId: '003A', otherId: 'ic-1', detail: { field: 'fields[1]', winner: 'left' } },
      { kind: 'write', side: 'right', recordId: '003A', otherId: 'ic-1', detail: {} },
    ]);
    const mine = () => deliveriesOf('sync.record.conflict').filter((r) => JSON.stringify(r.json).includes(syncId));
    const [delivery] = await waitFor(async () => (mine().length > 0 ? mine() : undefined), 'sync.record.conflict delivered');
    expect(delivery!.json).toMatchObject({
      topic: 'sync.record.conflict',
      data: { item: { type: 'engine_event', syncId, kind: 'conflict', side: 'right', recordId: '003A', otherId: 'ic-1', detail: { field: 'fields[1]', winner: 'left' } } },
    });
    await waitFor(async () => (await store.outbox.pending()).length === 0, 'outbox drained');
    expect(mine()).toHaveLength(1);
    expect(deliveriesOf('sync.error')).toHaveLength(0);
  });
});
