import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { openTestStore, storeBackends } from '../support/stores';

describe.each(storeBackends)('engine outbox and stored payloads on $name', ({ url }) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(url());
  });
  afterAll(() => store.close());

  it('queues connection.disconnected with the status change, once for concurrent 401s', async () => {
    const id = `c-${randomUUID()}`;
    await store.connections.create({ id, connector: 'jira', name: 'Jira', credentials: { username: 'u', password: 'p', siteUrl: 'https://x.atlassian.net' } });
    const changed = await Promise.all(Array.from({ length: 5 }, () => store.outbox.disconnect(id, '401: token revoked')));
    expect(changed.filter(Boolean)).toHaveLength(1);
    expect(await store.connections.get(id)).toMatchObject({ status: 'disconnected', statusReason: '401: token revoked' });
    const mine = (await store.outbox.pending(10_000)).filter((e) => (e.data as { connectionId: string }).connectionId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ topic: 'connection.disconnected', data: { connectionId: id, connector: 'jira', reason: '401: token revoked' } });
    // Already disconnected: a new reason is recorded, no second event.
    expect(await store.outbox.disconnect(id, '401: still revoked')).toBe(false);
    expect((await store.connections.get(id))?.statusReason).toBe('401: still revoked');
    await store.outbox.remove(mine[0]!.id);
    expect((await store.outbox.pending(10_000)).filter((e) => e.id === mine[0]!.id)).toHaveLength(0);
    expect(await store.outbox.disconnect(`missing-${randomUUID()}`, 'x')).toBe(false);
  });

  it('keeps cursors', async () => {
    const name = `cursor-${randomUUID()}`;
    expect(await store.outbox.cursor(name)).toBeUndefined();
    await store.outbox.setCursor(name, '2026-01-01T00:00:00.000Z');
    await store.outbox.setCursor(name, '2026-01-02T00:00:00.000Z');
    expect(await store.outbox.cursor(name)).toBe('2026-01-02T00:00:00.000Z');
  });

  it('seals payloads, stores a redelivery onto the same row, and prunes after the dedupe retention', async () => {
    const hash = randomUUID();
    const json = JSON.stringify({ secret: 'customer@example.com' });
    const ref = await store.payloads.put('hook-conn', hash, json, new Date('2026-01-01T00:00:00Z'));
    expect(await store.payloads.put('hook-conn', hash, json)).toBe(ref);
    expect(await store.payloads.get(ref)).toBe(json);
    expect(await store.payloads.get('tp_missing')).toBeUndefined();
    expect(await store.payloads.prune(new Date('2026-01-07T00:00:00Z'))).toBe(0);
    expect(await store.payloads.get(ref)).toBe(json);
    expect(await store.payloads.prune(new Date('2026-01-09T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect(await store.payloads.get(ref)).toBeUndefined();
  });
});
