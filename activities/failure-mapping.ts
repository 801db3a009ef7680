import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../workflows/activity-contract';
import { isConnectorError, type ConnectorError } from '../connectors/sdk/errors';
import type { ConnectionResolver } from './connection-resolver';

export interface FailureContext {
  /** The step's connection, marked disconnected on auth_lost. */
  connectionId: string | null;
  connections: ConnectionResolver;
  /** Receives errors that were not classified (bugs in a connector), for the log. */
  onUnclassified?(err: unknown): void;
  /** The attempt that failed (1-based), shown by the run's state query for non-retryable failures. */
  attempt?: number;
}

function detailsOf(err: ConnectorError, ctx: FailureContext) {
  return [{ kind: err.kind, status: err.status ?? null, code: err.code ?? null, field: err.field ?? null, connectionId: ctx.connectionId, attempt: ctx.attempt ?? null }];
}

/**
 * THE mapping from connector errors to Temporal failures (DESIGN §5):
 * retryable → retryable `Retryable`; rate_limited → retryable `RateLimited` with `nextRetryDelay`
 * = the vendor's delay; auth_lost → connection marked disconnected, then non-retryable `AuthLost`;
 * invalid_input → non-retryable `InvalidInput`; fatal and anything unclassified → non-retryable `Fatal`.
 * Cancellation passes through untouched.
 */
export async function toActivityFailure(err: unknown, ctx: FailureContext): Promise<Error> {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (!isConnectorError(err)) {
    ctx.onUnclassified?.(err);
    const message = err instanceof Error ? err.message : String(err);
    return ApplicationFailure.create({ type: FailureType.fatal, message: `connector error: ${message}`, nonRetryable: true });
  }
  const details = detailsOf(err, ctx);
  switch (err.kind) {
    case 'retryable':
      return ApplicationFailure.create({ type: FailureType.retryable, message: err.message, nonRetryable: false, details, cause: err });
    case 'rate_limited':
      return ApplicationFailure.create({
        type: FailureType.rateLimited,
        message: err.message,
        nonRetryable: false,
        nextRetryDelay: err.retryAfterMs !== undefined ? Math.max(err.retryAfterMs, 1) : undefined,
        details,
      });
    case 'auth_lost':
      if (ctx.connectionId) await ctx.connections.markDisconnected(ctx.connectionId, { status: err.status, message: err.message });
      return ApplicationFailure.create({
        type: FailureType.authLost,
        message: ctx.connectionId ? `connection ${ctx.connectionId} is disconnected (${err.message})` : err.message,
        nonRetryable: true,
        details,
      });
    case 'invalid_input':
      return ApplicationFailure.create({ type: FailureType.invalidInput, message: err.message, nonRetryable: true, details });
    case 'fatal':
      return ApplicationFailure.create({ type: FailureType.fatal, message: err.message, nonRetryable: true, details });
  }
}
