import { storeCall, type ConnectionResolver } from '../../activities/connection-resolver';
import type { Logger } from '../logging';
import { sharedRefresher, type RefreshStore } from '../store/shared-refresh';
import type { Store } from '../store/store';

/** The store calls an OAuth2 refresh makes, each failing as StoreUnavailable (the token request's own failures pass as they are). */
function refreshStore(store: Store): RefreshStore {
  const c = store.connections;
  const what = (id: string) => `refreshing connection ${id}'s credentials`;
  return {
    claimRefresh: (id, ...rest) => storeCall(what(id), () => c.claimRefresh(id, ...rest)),
    releaseRefresh: (id, ...rest) => storeCall(what(id), () => c.releaseRefresh(id, ...rest)),
    boundCredentials: (id) => storeCall(what(id), () => c.boundCredentials(id)),
    swapRefreshed: (id, ...rest) => storeCall(what(id), () => c.swapRefreshed(id, ...rest)),
  };
}

/** Activities resolve connections (and decrypt credentials) through the store, never through history. */
export function storeConnectionResolver(store: Store, logger: Logger): ConnectionResolver {
  const refreshing = refreshStore(store);
  return {
    async get(id) {
      const found = await storeCall(`resolving connection ${id}`, () => store.connections.lookup(id));
      if (!found) return undefined;
      const { connection } = found;
      // Outside the store call: a key that does not open the credentials is no store outage.
      const bound = found.open();
      return {
        id: connection.id,
        connector: connection.connector,
        credentials: bound.credentials,
        baseUrl: connection.baseUrl,
        credentialsBaseUrl: bound.enteredForBaseUrl,
        status: connection.status,
        refreshCredentials: sharedRefresher(refreshing, id, bound),
      };
    },
    async markDisconnected(id, reason) {
      const message = reason.status ? `${reason.status}: ${reason.message}` : reason.message;
      // The status change and its connection.disconnected event commit together; an API process publishes it.
      if (await storeCall(`marking connection ${id} disconnected`, () => store.outbox.disconnect(id, message))) {
        logger.warn({ connection: id, reason: message }, 'connection disconnected: authentication lost');
      }
    },
  };
}
