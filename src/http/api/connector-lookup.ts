import { connectionOrigins } from '../../../connectors/sdk/connection-http';
import { isConnectorError } from '../../../connectors/sdk/errors';
import type { ConnectorRegistry } from '../../../connectors/sdk/registry';
import type { Logger } from '../../logging';
import type { BoundCredentials, Connection, ConnectionStore } from '../../store/connections';
import { callWithConnection } from '../../engine/direct-call';
import type { ConnectionTestResult, ConnectorLookup } from './connections-routes';

const TEST_TIMEOUT_MS = 15_000;

/** The connections API's view of the connector registry; `test` runs the connector's `validate`. */
export function registryLookup(registry: ConnectorRegistry, opts: { egressAllow: readonly string[]; connections: ConnectionStore; logger?: Logger }): ConnectorLookup {
  return {
    exists: (id) => registry.getConnector(id) !== undefined,
    known: () => registry.listConnectors().map((c) => c.id).sort(),
    credentialsSchema: (id) => registry.getConnector(id)?.auth.credentials ?? null,
    hasWebhookSource: (id) => Boolean(registry.getConnector(id)?.webhookSource),
    origins(connectorId, credentials, baseUrl) {
      const connector = registry.getConnector(connectorId);
      return connector ? connectionOrigins(connector, credentials, baseUrl) : [];
    },
    test(connection: Connection, bound: BoundCredentials) {
      const { credentials } = bound;
      const connector = registry.getConnector(connection.connector);
      if (!connector?.validate) return undefined;
      const validate = connector.validate.bind(connector);
      return (async (): Promise<ConnectionTestResult> => {
        const parsed = connector.auth.credentials.safeParse(credentials);
        if (!parsed.success) return { ok: false, authLost: false, reason: `stored credentials do not match the ${connector.id} auth schema` };
        try {
          await callWithConnection(connector, connection, bound, parsed.data, { ...opts, purpose: 'connection test', timeoutMs: TEST_TIMEOUT_MS }, (ctx) => validate(ctx));
          return { ok: true };
        } catch (err) {
          if (isConnectorError(err)) {
            const status = err.status ? `${err.status} from ${connector.name}: ` : '';
            return { ok: false, authLost: err.kind === 'auth_lost', reason: `${status}${err.message}` };
          }
          return { ok: false, authLost: false, reason: err instanceof Error ? err.message : String(err) };
        }
      })();
    },
  };
}
