import { setTimeout as delay } from 'node:timers/promises';
import type { BoundCredentials, ConnectionStore } from './connections';

/** How long the process that took a refresh may take before another may (the token request times out within 30 s). */
const leaseMs = 60_000;
/** How often a process waiting for another one's refresh looks at the stored version. */
const pollMs = 100;

/** Runs the token request with the credentials it is given and answers the refreshed ones. */
type Exchange = (credentials: unknown) => Promise<unknown>;

/**
 * One OAuth2 refresh shared by every process on the store (workers, API), as a compare-and-swap on
 * the credentials' version: the process that takes the lease on the version it read spends the
 * refresh token and swaps the result in; the others wait for that version to move and use what was
 * stored, so a rotating, single-use refresh token is spent once. A refresh the vendor refuses
 * (invalid_grant) while the stored version moved — the token was rotated by someone else — answers
 * the stored credentials instead of failing, so the connection is not marked disconnected.
 */
export async function refreshShared(connections: ConnectionStore, id: string, seen: BoundCredentials, exchange: Exchange, signal?: AbortSignal): Promise<BoundCredentials> {
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
      const version = await connections.swapRefreshed(id, seen, refreshed);
      if (version !== undefined) return { ...seen, credentials: refreshed, version };
      // New credentials were stored meanwhile (a person entered them): they are the ones to use.
      return (await connections.boundCredentials(id)) ?? { ...seen, credentials: refreshed };
    }
    const stored = await connections.boundCredentials(id);
    if (!stored) throw new Error(`connection ${id} no longer exists`);
    if (stored.version !== seen.version) return stored;
    // Another process holds the lease: wait for its swap, or for its lease to run out.
    await delay(pollMs, undefined, { signal });
  }
}

/** A connection's `refreshCredentials` for connectionHttp: `refreshShared` from the credentials as last read or refreshed. */
export function sharedRefresher(connections: ConnectionStore, id: string, bound: BoundCredentials): (exchange: Exchange, signal?: AbortSignal) => Promise<unknown> {
  let seen = bound;
  return async (exchange, signal) => {
    seen = await refreshShared(connections, id, seen, exchange, signal);
    return seen.credentials;
  };
}
