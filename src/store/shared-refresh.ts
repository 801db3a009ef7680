import { setTimeout as delay } from 'node:timers/promises';
import type { BoundCredentials, ConnectionStore } from './connections';

/** How long the process that took a refresh may take before another may (the token request times out within 30 s). */
const leaseMs = 60_000;
/** How often a process waiting for another one's refresh looks at the stored version. */
const pollMs = 100;

/** Runs the token request with the credentials it is given and answers the refreshed ones. */
type Exchange = (credentials: unknown) => Promise<unknown>;

/** The store calls a refresh makes (the host wraps them so that a store failure is told apart from the token request's). */
export type RefreshStore = Pick<ConnectionStore, 'claimRefresh' | 'releaseRefresh' | 'boundCredentials' | 'swapRefreshed'>;

/**
 * Tokens this process got from the vendor but could not store (the store failed the swap), per
 * store and connection id, with the version they refresh. A rotating refresh token was spent to get
 * them, so the next refresh of that version in this process stores them instead of spending it again.
 */
type Unstored = Map<string, { version: number; credentials: unknown }>;
const unstoredByStore = new WeakMap<RefreshStore, Unstored>();

function unstoredOf(connections: RefreshStore): Unstored {
  let map = unstoredByStore.get(connections);
  if (!map) unstoredByStore.set(connections, (map = new Map() as Unstored));
  return map;
}

/**
 * One OAuth2 refresh shared by every process on the store (workers, API), as a compare-and-swap on
 * the credentials' version: the process that takes the lease on the version it read spends the
 * refresh token and swaps the result in; the others wait for that version to move and use what was
 * stored, so a rotating, single-use refresh token is spent once. A refresh the vendor refuses
 * (invalid_grant) while the stored version moved — the token was rotated by someone else — answers
 * the stored credentials instead of failing, so the connection is not marked disconnected.
 * A store that fails the swap after the vendor answered leaves the tokens in `unstored`: the store
 * error is thrown (the step waits for the store), and the retry stores them without a new exchange.
 */
export async function refreshShared(connections: RefreshStore, id: string, seen: BoundCredentials, exchange: Exchange, signal?: AbortSignal): Promise<BoundCredentials> {
  const pending = unstoredOf(connections).get(id);
  if (pending && pending.version === seen.version) return swapIn(connections, id, seen, pending.credentials);
  for (;;) {
    if (await connections.claimRefresh(id, seen.version, leaseMs)) {
      let refreshed: unknown;
      try {
        refreshed = await exchange(seen.credentials);
      } catch (err) {
        await connections.releaseRefresh(id, seen.version);
        const stored = await connections.boundCredentials(id);
        if (stored && stored.version !== seen.version) return stored;
        throw err;
      }
      return swapIn(connections, id, seen, refreshed);
    }
    const stored = await connections.boundCredentials(id);
    if (!stored) throw new Error(`connection ${id} no longer exists`);
    if (stored.version !== seen.version) return stored;
    // Another process holds the lease: wait for its swap, or for its lease to run out.
    await delay(pollMs, undefined, { signal });
  }
}

/** Stores `refreshed` over `seen`'s version (remembering them in `unstored` while the store fails), or answers what was stored meanwhile. */
async function swapIn(connections: RefreshStore, id: string, seen: BoundCredentials, refreshed: unknown): Promise<BoundCredentials> {
  let version: number | undefined;
  try {
    version = await connections.swapRefreshed(id, seen, refreshed);
  } catch (err) {
    unstoredOf(connections).set(id, { version: seen.version, credentials: refreshed });
    throw err;
  }
  unstoredOf(connections).delete(id);
  if (version !== undefined) return { ...seen, credentials: refreshed, version };
  // New credentials were stored meanwhile (a person entered them): they are the ones to use.
  return (await connections.boundCredentials(id)) ?? { ...seen, credentials: refreshed };
}

/** A connection's `refreshCredentials` for connectionHttp: `refreshShared` from the credentials as last read or refreshed. */
export function sharedRefresher(connections: RefreshStore, id: string, bound: BoundCredentials): (exchange: Exchange, signal?: AbortSignal) => Promise<unknown> {
  let seen = bound;
  return async (exchange, signal) => {
    seen = await refreshShared(connections, id, seen, exchange, signal);
    return seen.credentials;
  };
}
