import { connectionHttp } from './connection-http';
import type { ActionContext, ConnectorDefinition, Logger } from './types';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface FakeContextOptions<C> {
  /** With a connector, `http` is the real guarded client for it, pointed at `baseUrl` (e.g. a fake vendor). */
  connector?: ConnectorDefinition<C>;
  credentials?: C;
  baseUrl?: string;
  /** Defaults to loopback, so a local fake is reachable. */
  egressAllow?: readonly string[];
  connectionId?: string | null;
  idempotencyKey?: string;
  attempt?: number;
  /** What a previous attempt heartbeated. */
  lastHeartbeat?: unknown;
  signal?: AbortSignal;
  logger?: Logger;
}

/** A context for unit-testing an action in one line: `await action.run(fakeContext({ connector, credentials, baseUrl }), input)`. */
export function fakeContext<C = unknown>(opts: FakeContextOptions<C> = {}): ActionContext<C> & { heartbeats: unknown[] } {
  const heartbeats: unknown[] = [];
  const credentials = (opts.credentials ?? {}) as C;
  const signal = opts.signal ?? new AbortController().signal;
  const http = opts.connector
    ? connectionHttp({ connector: opts.connector, connectionId: opts.connectionId ?? 'test', credentials, baseUrl: opts.baseUrl, egressAllow: opts.egressAllow ?? ['127.0.0.0/8', '::1/128'], signal }).http
    : {
        request() {
          throw new Error('fakeContext: pass a connector (and a baseUrl) to make HTTP calls');
        },
      };
  return {
    connectionId: opts.connectionId === undefined ? 'test' : opts.connectionId,
    credentials,
    http,
    signal,
    idempotencyKey: opts.idempotencyKey ?? 'test-workflow/test-step',
    attempt: opts.attempt ?? 1,
    logger: opts.logger ?? silent,
    heartbeat: (d) => void heartbeats.push(d),
    lastHeartbeat: opts.lastHeartbeat,
    heartbeats,
  };
}
