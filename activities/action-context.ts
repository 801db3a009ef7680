import { Context } from '@temporalio/activity';
import { connectionHttp } from '../connectors/sdk/connection-http';
import type { AnyConnector } from '../connectors/sdk/registry';
import type { ActionContext, Logger } from '../connectors/sdk/types';
import type { ConnectionResolver } from './connection-resolver';
import type { EffectLedgerPort } from './effect-ledger';
import { activityFailure } from './failure-mapping';
import { describeIssues } from './zod-message';

/** The host's structured logger (pino's call shape). */
export interface HostLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ActivityDeps {
  connections: ConnectionResolver;
  /** CIDRs from SWITCHYARD_EGRESS_ALLOW. */
  egressAllow: readonly string[];
  logger?: HostLogger;
  /** The side-effect ledger; without it (unit harnesses) actions that reconcile run unguarded. */
  effects?: EffectLedgerPort;
}

const silent: HostLogger = { debug() {}, info() {}, warn() {}, error() {} };

function connectorLogger(base: HostLogger, fields: Record<string, unknown>): Logger {
  const wrap = (level: keyof HostLogger) => (msg: string, extra?: Record<string, unknown>) => base[level]({ ...fields, ...extra }, msg);
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/**
 * Resolves the step's connection and builds the action context. Missing connection → Fatal;
 * paused/disconnected → non-retryable ConnectionUnavailable (details say which and why), so the
 * workflow waits for `connectionRestored`.
 */
export async function buildActionContext(
  deps: ActivityDeps,
  connector: AnyConnector,
  requirement: 'required' | 'optional' | 'none',
  connectionId: string | null,
  stepId: string,
  /** The run whose id the step key uses (ActionActivityInput.keyRun); this workflow's when absent. */
  keyRun?: string,
): Promise<ActionContext> {
  const activity = Context.current();
  const info = activity.info;
  let credentials: unknown = {};
  let baseUrl: string | null = null;
  let credentialsBaseUrl: string | null | undefined;
  let resolvedId: string | null = null;
  if (requirement !== 'none' && connectionId) {
    const connection = await deps.connections.get(connectionId);
    if (!connection) throw activityFailure('fatal', `connection ${connectionId} does not exist`);
    if (connection.connector !== connector.id) {
      throw activityFailure('fatal', `connection ${connectionId} is a ${connection.connector} connection, not ${connector.id}`);
    }
    if (connection.status !== 'connected') {
      throw activityFailure('connection_unavailable', `connection ${connectionId} is ${connection.status}`, { details: { connectionId, status: connection.status } });
    }
    const parsed = connector.auth.credentials.safeParse(connection.credentials);
    if (!parsed.success) {
      throw activityFailure('fatal', `connection ${connectionId} has invalid credentials: ${describeIssues('credentials', parsed.error).message}`);
    }
    credentials = parsed.data;
    baseUrl = connection.baseUrl;
    credentialsBaseUrl = connection.credentialsBaseUrl;
    resolvedId = connectionId;
  } else if (requirement === 'required') {
    throw activityFailure('fatal', `${connector.id} steps need a connection`);
  }
  const signal = activity.cancellationSignal;
  const { http } = connectionHttp({
    connector,
    connectionId: resolvedId,
    credentials,
    baseUrl,
    credentialsBaseUrl,
    egressAllow: deps.egressAllow,
    signal,
    saveCredentials: resolvedId && deps.connections.updateCredentials ? (c) => deps.connections.updateCredentials!(resolvedId, c) : undefined,
  });
  const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
  return {
    connectionId: resolvedId,
    credentials,
    http,
    signal,
    idempotencyKey: `${keyRun ?? workflowId}/${stepId}`,
    attempt: info.attempt,
    logger: connectorLogger(deps.logger ?? silent, { activity: info.activityType, workflowId, connection: resolvedId, attempt: info.attempt }),
    // A local activity has no server-side heartbeat (its progress lives in the workflow task).
    heartbeat: (details?: unknown) => (info.isLocal ? undefined : activity.heartbeat(details)),
    lastHeartbeat: info.heartbeatDetails as unknown,
  };
}
