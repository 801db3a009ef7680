import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxEntry } from '../../src/store/event-inbox';
import type { Store } from '../../src/store/store';
import type { ThrowawayDatabase } from '../support/postgres-database';
import { openTestStore, storeBackends } from '../support/stores';
import { freshPostgresDatabase } from './fresh-postgres';

/** Each backend on a database of its own: a drain here must not take other tests' inbox rows. */
describe.each(storeBackends)('event inbox on $name', ({ name, url }) => {
  let store: Store;
  let database: ThrowawayDatabase | undefined;
  const source = `inbox-${randomUUID().slice(0, 8)}`;
  const entry = (hash: string, body = `{"secret":"canary-${hash}"}`): InboxEntry => ({ source, eventHash: hash, receivedAt: new Date().toISOString(), body });
  const drain = () => store.inbox.claimOldest(10_000, new Date(Date.now() + 60_000).toISOString(), async (rows) => rows.map((r) => r.id));

  beforeAll(async () => {
    database = name === 'postgres' ? await freshPostgresDatabase('switchyard_inbox') : undefined;
    store = await openTestStore(database?.url ?? url());
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('one commit remembers each delivery and appends the fresh ones; duplicates (earlier, or in the same batch) get no row', async () => {
    const [first] = await store.inbox.append([entry('h1')]);
    expect(first).toMatch(/^ib_[0-9a-f]{40}$/);
    const ids = await store.inbox.append([entry('h1'), entry('h2'), entry('h2'), entry('h3')]);
    expect(ids.map((id) => id !== undefined)).toEqual([false, true, false, true]);
    expect(await store.deliveries.seen(source, 'h2')).toBe(true);
    expect((await store.inbox.stats()).depth).toBe(3);
  });

  it('gives row ids that sort by arrival; a delivery seen again in the same batch, received later, is still a duplicate', async () => {
    const at = (iso: string, hash: string): InboxEntry => ({ ...entry(hash), receivedAt: iso });
    const ids = await store.inbox.append([at('2026-01-02T00:00:00.000Z', 'o2'), at('2026-01-01T00:00:00.000Z', 'o1'), at('2026-01-03T00:00:00.000Z', 'o2')]);
    expect(ids[2]).toBeUndefined();
    expect([ids[0], ids[1]].sort()).toEqual([ids[1], ids[0]]);
    expect(await store.inbox.claimOldest(10, '2026-01-04T00:00:00.000Z', async (rows) => rows.map((r) => r.id))).toBe(2);
  });

  it('keeps bodies sealed at rest, and hands them back opened to the dispatcher', async () => {
    const dump = JSON.stringify((await sql<Record<string, unknown>>`select * from event_inbox`.execute(store.db)).rows);
    expect(dump).not.toContain('canary-');
    const seen: string[] = [];
    const removed = await store.inbox.claimOldest(10, new Date(Date.now() + 60_000).toISOString(), async (rows) => {
      seen.push(...rows.map((r) => r.body));
      return rows.filter((r) => r.eventHash !== 'h3').map((r) => r.id);
    });
    expect(removed).toBe(2);
    expect(seen.sort()).toEqual(['{"secret":"canary-h1"}', '{"secret":"canary-h2"}', '{"secret":"canary-h3"}']);
    // What the dispatcher did not answer stays for the next sweep.
    expect((await store.inbox.stats()).depth).toBe(1);
    await drain();
  });

  it.runIf(name === 'postgres')('claims each row once across concurrent dispatchers (FOR UPDATE SKIP LOCKED)', async () => {
    const ids = (await store.inbox.append(Array.from({ length: 6 }, (_, i) => entry(`c${i}`)))).filter((id): id is string => id !== undefined);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const firstClaimed: string[] = [];
    let signalClaimed: () => void = () => undefined;
    const claimed = new Promise<void>((resolve) => (signalClaimed = resolve));
    const first = store.inbox.claimOldest(4, new Date(Date.now() + 60_000).toISOString(), async (rows) => {
      firstClaimed.push(...rows.map((r) => r.id));
      signalClaimed();
      await held;
      return rows.map((r) => r.id);
    });
    await claimed;
    const secondClaimed: string[] = [];
    await store.inbox.claimOldest(10, new Date(Date.now() + 60_000).toISOString(), async (rows) => {
      secondClaimed.push(...rows.map((r) => r.id));
      return rows.map((r) => r.id);
    });
    const byIds: string[] = [];
    await store.inbox.claimIds(ids, async (claimedIds) => {
      byIds.push(...claimedIds);
      return claimedIds;
    });
    release();
    await first;
    expect(firstClaimed).toHaveLength(4);
    expect(secondClaimed).toHaveLength(2);
    expect(byIds).toEqual([]);
    expect([...firstClaimed, ...secondClaimed].sort()).toEqual([...ids].sort());
    expect((await store.inbox.stats()).depth).toBe(0);
  });
});
