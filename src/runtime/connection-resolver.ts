import { StoreUnavailableError, type ConnectionResolver } from '../../activities/connection-resolver';
import type { Logger } from '../logging';
import { sharedRefresher } from '../store/shared-refresh';
import type { Store } from '../store/store';

/** Activities resolve connections (and decrypt credentials) through the store, never through history. */
export function storeConnectionResolver(store: Store, logger: Logger): ConnectionResolver {
  return {
    async get(id) {
      let found: Awaited<ReturnType<Store['connections']['lookup']>>;
      try {
        found = await store.connections.lookup(id);
      } catch (err) {
        throw new StoreUnavailableError(`the store did not answer while resolving connection ${id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (!found) return undefined;
      const { connection } = found;
      // Outside the try: a key that does not open the credentials is no store outage.
      const bound = found.open();
      return {
        id: connection.id,
        connector: connection.connector,
        credentials: bound.credentials,
        baseUrl: connection.baseUrl,
        credentialsBaseUrl: bound.enteredForBaseUrl,
        status: connection.status,
        refreshCredentials: sharedRefresher(store.connections, id, bound),
      };
    },
    async markDisconnected(id, reason) {
      const message = reason.status ? `${reason.status}: ${reason.message}` : reason.message;
      // The status change and its connection.disconnected event commit together; an API process publishes it.
      if (await store.outbox.disconnect(id, message)) logger.warn({ connection: id, reason: message }, 'connection disconnected: authentication lost');
    },
  };
}
