import { randomUUID } from 'node:crypto';
import { connectionHttp } from '../../connectors/sdk/connection-http';
import type { AnyConnector } from '../../connectors/sdk/registry';
import type { ActionContext, Logger as ConnectorLogger } from '../../connectors/sdk/types';
import type { Logger } from '../logging';
import type { BoundCredentials, Connection, ConnectionStore } from '../store/connections';
import { sharedRefresher } from '../store/shared-refresh';

export interface DirectCallOptions {
  egressAllow: readonly string[];
  connections: ConnectionStore;
  logger?: Logger;
}

/**
 * Runs `fn` with an action context for the connection outside Temporal (a connection test, reading
 * a vendor's field schema when a sync is applied): the same guarded HTTP client and single-flight
 * token refresh as an activity, a time limit, and a one-off idempotency key. Credentials must
 * already match the connector's auth schema (`parsed`).
 */
export async function callWithConnection<T>(
  connector: AnyConnector,
  connection: Connection,
  bound: BoundCredentials,
  parsed: unknown,
  opts: DirectCallOptions & { purpose: string; timeoutMs: number },
  fn: (ctx: ActionContext) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const { http } = connectionHttp({
    connector,
    connectionId: connection.id,
    credentials: parsed,
    baseUrl: connection.baseUrl,
    credentialsBaseUrl: bound.enteredForBaseUrl,
    egressAllow: opts.egressAllow,
    signal,
    refreshCredentials: sharedRefresher(opts.connections, connection.id, bound),
  });
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => opts.logger?.[level]({ ...fields, connection: connection.id, purpose: opts.purpose }, msg);
  const logger: ConnectorLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return fn({ connectionId: connection.id, credentials: parsed, http, signal, idempotencyKey: `${opts.purpose.replace(/\s+/g, '-')}/${connection.id}/${randomUUID()}`, attempt: 1, logger, heartbeat() {} });
}
