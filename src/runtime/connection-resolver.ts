import type { ConnectionResolver } from '../../activities/connection-resolver';
import type { Logger } from '../logging';
import type { Store } from '../store/store';

/** Activities resolve connections (and decrypt credentials) through the store, never through history. */
export function storeConnectionResolver(store: Store, logger: Logger): ConnectionResolver {
  return {
    async get(id) {
      const connection = await store.connections.get(id);
      const bound = await store.connections.boundCredentials(id);
      if (!connection || !bound) return undefined;
      return {
        id: connection.id,
        connector: connection.connector,
        credentials: bound.credentials,
        baseUrl: connection.baseUrl,
        credentialsBaseUrl: bound.enteredForBaseUrl,
        status: connection.status,
      };
    },
    async updateCredentials(id, credentials) {
      await store.connections.refreshCredentials(id, credentials);
    },
    async markDisconnected(id, reason) {
      const message = reason.status ? `${reason.status}: ${reason.message}` : reason.message;
      // The status change and its connection.disconnected event commit together; an API process publishes it.
      if (await store.outbox.disconnect(id, message)) logger.warn({ connection: id, reason: message }, 'connection disconnected: authentication lost');
    },
  };
}
