import { afterAll, describe, expect, it } from 'vitest';
import { refreshShared, type RefreshStore } from '../../src/store/shared-refresh';
import type { Store } from '../../src/store/store';
import { openTestStore, storeBackends } from '../support/stores';
import { waitFor } from '../support/temporal';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * The refresh protocol under the worker test (oauth-refresh-processes.test.ts) on both stores:
 * two store handles (two pools, as two processes have) refresh one connection.
 */
describe.each(storeBackends)('shared OAuth2 refresh on $name', ({ url }) => {
  const opened: Store[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  async function twoHandles(id: string): Promise<[Store, Store]> {
    const at = url();
    const a = await openTestStore(at);
    const b = await openTestStore(at);
    opened.push(a, b);
    await a.connections.create({ id, connector: 'salesforce', name: id, credentials: { accessToken: 'old', refreshToken: 'r1' } });
    return [a, b];
  }

  it('two handles at the same version: one exchange, both answer its tokens, the version moves once', async () => {
    const id = `cas-${Math.random().toString(36).slice(2, 8)}`;
    const [a, b] = await twoHandles(id);
    const seenA = (await a.connections.boundCredentials(id))!;
    const seenB = (await b.connections.boundCredentials(id))!;
    let exchanges = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const exchange = async (c: unknown): Promise<Tokens> => {
      exchanges++;
      await held;
      return { accessToken: 'new', refreshToken: `${(c as Tokens).refreshToken}+` };
    };
    const first = refreshShared(a.connections, id, seenA, exchange);
    await waitFor(async () => exchanges === 1, 'the first handle to take the lease and call the token endpoint');
    // The second starts while the first holds the lease, and looks at the stored version while it waits.
    let looked = 0;
    const watched = new Proxy(b.connections, {
      get(target, name) {
        if (name === 'boundCredentials') looked++;
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const second = refreshShared(watched, id, seenB, exchange);
    await waitFor(async () => looked >= 2, 'the second handle to wait for the first');
    release();
    const [ra, rb] = await Promise.all([first, second]);
    expect(exchanges).toBe(1);
    expect(ra.credentials).toEqual({ accessToken: 'new', refreshToken: 'r1+' });
    expect(rb.credentials).toEqual(ra.credentials);
    expect([ra.version, rb.version]).toEqual([2, 2]);
    expect((await a.connections.boundCredentials(id))?.version).toBe(2);
  });

  it('credentials read before another refresh are not refreshed again: the stored ones are answered', async () => {
    const id = `cas-${Math.random().toString(36).slice(2, 8)}`;
    const [a, b] = await twoHandles(id);
    const stale = (await b.connections.boundCredentials(id))!;
    await refreshShared(a.connections, id, (await a.connections.boundCredentials(id))!, async () => ({ accessToken: 'a1', refreshToken: 'r2' }));
    const spent: unknown[] = [];
    const answer = await refreshShared(b.connections, id, stale, async (c) => (spent.push(c), { accessToken: 'b1', refreshToken: 'r3' }));
    expect(spent).toEqual([]);
    expect(answer).toMatchObject({ credentials: { accessToken: 'a1', refreshToken: 'r2' }, version: 2 });
  });

  it('a refused refresh (invalid_grant) answers the stored credentials when someone else rotated them meanwhile, and fails otherwise', async () => {
    const id = `cas-${Math.random().toString(36).slice(2, 8)}`;
    const [a, b] = await twoHandles(id);
    const seen = (await a.connections.boundCredentials(id))!;
    const refused = new Error('invalid_grant');
    // While this process holds the lease a person enters new credentials (the rotation happened elsewhere).
    const answer = await refreshShared(a.connections, id, seen, async () => {
      await b.connections.updateCredentials(id, { accessToken: 'entered', refreshToken: 'r9' });
      throw refused;
    });
    expect(answer).toMatchObject({ credentials: { accessToken: 'entered', refreshToken: 'r9' }, version: 2 });
    await expect(refreshShared(a.connections, id, answer, async () => Promise.reject(refused))).rejects.toBe(refused);
    // The lease was let go: the next refresh at that version runs.
    expect((await refreshShared(a.connections, id, answer, async () => ({ accessToken: 'ok', refreshToken: 'r10' }))).version).toBe(3);
  });
  it('tokens the store could not swap in are stored by the next refresh of that version, without a second exchange', async () => {
    const id = `cas-${Math.random().toString(36).slice(2, 8)}`;
    const [a] = await twoHandles(id);
    const seen = (await a.connections.boundCredentials(id))!;
    let storeDown = true;
    const flaky: RefreshStore = {
      claimRefresh: (...args) => a.connections.claimRefresh(...args),
      releaseRefresh: (...args) => a.connections.releaseRefresh(...args),
      boundCredentials: (...args) => a.connections.boundCredentials(...args),
      swapRefreshed: (...args) => (storeDown ? Promise.reject(new Error('Connection terminated unexpectedly')) : a.connections.swapRefreshed(...args)),
    };
    let exchanges = 0;
    const exchange = async (c: unknown): Promise<Tokens> => (exchanges++, { accessToken: 'new', refreshToken: `${(c as Tokens).refreshToken}+` });
    await expect(refreshShared(flaky, id, seen, exchange)).rejects.toThrow('Connection terminated');
    storeDown = false;
    // The refresh token was spent on the first exchange: the retry (while this process's lease still holds) stores its answer.
    const answer = await refreshShared(flaky, id, seen, exchange);
    expect(exchanges).toBe(1);
    expect(answer).toMatchObject({ credentials: { accessToken: 'new', refreshToken: 'r1+' }, version: 2 });
    expect(await a.connections.boundCredentials(id)).toMatchObject({ credentials: { accessToken: 'new', refreshToken: 'r1+' }, version: 2 });
  });
});
