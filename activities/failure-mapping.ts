import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../workflows/activity-contract';
import { triggerPayloadUnavailableType } from '../workflows/trigger-payload-contract';
import { isConnectorError, type ConnectorError, type FailureKind } from '../connectors/sdk/errors';
import { StoreUnavailableError, type ConnectionResolver } from './connection-resolver';

/** The five connector kinds, plus what the engine side of an activity detects itself. */
export type ActivityFailureKind = FailureKind | 'connection_unavailable' | 'trigger_payload_unavailable' | 'store_unavailable';

/**
 * THE table (DESIGN §5): every activity failure is built from one row of it, whether a connector
 * classified the error, the activity detected it (missing connection, invalid input, broken
 * output), or nobody classified it (a bug): that is `retryable`, bounded by the step's attempt
 * count like any other retry (Temporal's default stance). The store failing is `store_unavailable`
 * (StoreUnavailableError), so no attempt is spent: while the connection is resolved, while an OAuth2
 * refresh reads or stores the credentials, while the side-effect ledger is read or the attempt
 * recorded (the vendor was not called, or its 401 had no effect), and while an auth_lost connection
 * is marked disconnected (the vendor's 401 had no effect; the next attempt meets it again).
 * A store failing after the vendor confirmed an effect is no failure at all (activities/effect-ledger.ts).
 */
const failureTable: Readonly<Record<ActivityFailureKind, { type: string; nonRetryable: boolean }>> = {
  retryable: { type: FailureType.retryable, nonRetryable: false },
  rate_limited: { type: FailureType.rateLimited, nonRetryable: false },
  auth_lost: { type: FailureType.authLost, nonRetryable: true },
  invalid_input: { type: FailureType.invalidInput, nonRetryable: true },
  fatal: { type: FailureType.fatal, nonRetryable: true },
  connection_unavailable: { type: FailureType.connectionUnavailable, nonRetryable: true },
  trigger_payload_unavailable: { type: triggerPayloadUnavailableType, nonRetryable: true },
  // Not retried by Temporal, so it spends none of the step's attempts; the workflow waits and calls again.
  store_unavailable: { type: FailureType.storeUnavailable, nonRetryable: true },
};

/** A failure the activity detected itself, as its row of the table says. */
export function activityFailure(kind: ActivityFailureKind, message: string, opts: { details?: Record<string, unknown>; nextRetryDelay?: number; cause?: Error } = {}): ApplicationFailure {
  const row = failureTable[kind];
  return ApplicationFailure.create({
    type: row.type,
    message,
    nonRetryable: row.nonRetryable,
    ...(opts.details ? { details: [opts.details] } : {}),
    ...(opts.nextRetryDelay !== undefined ? { nextRetryDelay: opts.nextRetryDelay } : {}),
    ...(opts.cause ? { cause: opts.cause } : {}),
  });
}

export interface FailureContext {
  /** The step's connection, marked disconnected on auth_lost. */
  connectionId: string | null;
  /** Absent for activities that use no connection (outgoing webhooks). */
  connections?: ConnectionResolver;
  /** Receives errors that were not classified (bugs in a connector), for the log. */
  onUnclassified?(err: unknown): void;
  /** The attempt that failed (1-based), shown by the run's state query for non-retryable failures. */
  attempt?: number;
}

function detailsOf(err: ConnectorError, ctx: FailureContext) {
  return { kind: err.kind, status: err.status ?? null, code: err.code ?? null, field: err.field ?? null, connectionId: ctx.connectionId, attempt: ctx.attempt ?? null };
}

function storeUnavailable(err: StoreUnavailableError, ctx: FailureContext): ApplicationFailure {
  return activityFailure('store_unavailable', err.message, {
    details: { kind: 'store_unavailable', status: null, code: 'store_unavailable', field: null, connectionId: ctx.connectionId, attempt: ctx.attempt ?? null },
  });
}

/**
 * Any error an activity ends with → its Temporal failure, through the table. Failures already
 * built from the table (and cancellation) pass through; auth_lost first marks the connection
 * disconnected (store_unavailable when the store cannot); rate_limited carries the vendor's delay as `nextRetryDelay`.
 */
export async function toActivityFailure(err: unknown, ctx: FailureContext): Promise<Error> {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (err instanceof StoreUnavailableError) return storeUnavailable(err, ctx);
  if (!isConnectorError(err)) {
    ctx.onUnclassified?.(err);
    const message = err instanceof Error ? err.message : String(err);
    return activityFailure('retryable', `unclassified error: ${message}`, {
      details: { kind: 'retryable', status: null, code: 'unclassified', field: null, connectionId: ctx.connectionId, attempt: ctx.attempt ?? null },
    });
  }
  const details = detailsOf(err, ctx);
  switch (err.kind) {
    case 'rate_limited':
      return activityFailure('rate_limited', err.message, { details, ...(err.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(err.retryAfterMs, 1) } : {}) });
    case 'auth_lost':
      if (ctx.connectionId && ctx.connections) {
        try {
          await ctx.connections.markDisconnected(ctx.connectionId, { status: err.status, message: err.message });
        } catch (marking) {
          // The store could not record it (store_unavailable): the next attempt meets the 401 again.
          return toActivityFailure(marking, { ...ctx, connections: undefined });
        }
      }
      return activityFailure('auth_lost', ctx.connectionId ? `connection ${ctx.connectionId} is disconnected (${err.message})` : err.message, { details });
    case 'retryable':
      return activityFailure('retryable', err.message, { details, cause: err });
    default:
      return activityFailure(err.kind, err.message, { details });
  }
}
