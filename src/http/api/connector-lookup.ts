import { randomUUID } from 'node:crypto';
import { connectionHttp, connectionOrigins } from '../../../connectors/sdk/connection-http';
import { isConnectorError } from '../../../connectors/sdk/errors';
import type { ConnectorRegistry } from '../../../connectors/sdk/registry';
import type { Logger as ConnectorLogger } from '../../../connectors/sdk/types';
import type { Logger } from '../../logging';
import type { BoundCredentials, Connection, ConnectionStore } from '../../store/connections';
import { sharedRefresher } from '../../store/shared-refresh';
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
      const { credentials, enteredForBaseUrl } = bound;
      const connector = registry.getConnector(connection.connector);
      if (!connector?.validate) return undefined;
      const validate = connector.validate.bind(connector);
      return (async (): Promise<ConnectionTestResult> => {
        const parsed = connector.auth.credentials.safeParse(credentials);
        if (!parsed.success) return { ok: false, authLost: false, reason: `stored credentials do not match the ${connector.id} auth schema` };
        const storedCredentials: unknown = parsed.data;
        const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
        const { http } = connectionHttp({
          connector,
          connectionId: connection.id,
          credentials: storedCredentials,
          baseUrl: connection.baseUrl,
          credentialsBaseUrl: enteredForBaseUrl,
          egressAllow: opts.egressAllow,
          signal,
          refreshCredentials: sharedRefresher(opts.connections, connection.id, bound),
        });
        try {
          await validate({
            connectionId: connection.id,
            credentials: storedCredentials,
            http,
            signal,
            idempotencyKey: `test/${connection.id}/${randomUUID()}`,
            attempt: 1,
            logger: connectorLogger(opts.logger, connection.id),
            heartbeat() {},
          });
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

function connectorLogger(logger: Logger | undefined, connectionId: string): ConnectorLogger {
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => logger?.[level]({ ...fields, connection: connectionId, purpose: 'connection test' }, msg);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
