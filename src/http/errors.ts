import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { InboxFullError, TemporalMisconfiguredError } from '../engine/inbox';
import { EventsNotAcceptedError } from '../engine/ingest-event';
import { Refusal, type RefusalReason } from '../refusal';
import type { ErrorBody } from './api-error';
import { isStoreBusy } from '../store/busy';
import { classifyTemporalError, type TemporalProblem } from '../temporal/client-errors';

/**
 * How an HTTP route fails, the one way: it throws. What the HTTP layer rejects itself (parameters,
 * headers, auth, limits) is an `HttpError` with its status; what the engine refuses is a `Refusal`
 * (src/refusal.ts), whose reason `statusOfRefusal` below turns into a status. Routes do not catch
 * and translate errors themselves, and no route keeps its own status table.
 * Either way the body is `{ error: { code, message, details } }`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const statusOfRefusal: Record<RefusalReason, number> = { not_found: 404, conflict: 409, invalid: 422, rejected: 400 };

export function httpErrorOf(refusal: Refusal): HttpError {
  return new HttpError(statusOfRefusal[refusal.reason], refusal.code, refusal.message, refusal.details);
}

/** A JSON answer written with Node's own response methods (express routes and the plain webhook ingress alike; no ETag). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: HttpError): void {
  const body: ErrorBody = { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
  sendJson(res, err.status, body, err.headers);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/** The answer to an error a route or the engine throws on purpose (and body-parser's); undefined for anything unexpected. */
function expectedHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof Refusal) return httpErrorOf(err);
  if (err instanceof EventsNotAcceptedError) return isStoreBusy(err.cause) ? storeBusyError() : storeUnavailableError(err.message);
  if (err instanceof InboxFullError) return new HttpError(503, 'inbox_full', err.message, undefined, { 'Retry-After': String(err.retryAfterSeconds) });
  if (err instanceof TemporalMisconfiguredError) return temporalHttpError({ kind: 'misconfigured', message: err.message });
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new HttpError(413, 'payload_too_large', `request body is larger than the limit of ${limit} bytes`, { limit });
  }
  if (type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', `request body is not valid JSON: ${(err as Error).message}`);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new HttpError(415, 'unsupported_encoding', (err as Error).message);
  if (type === 'request.aborted' || type === 'request.size.invalid') return new HttpError(400, 'incomplete_body', 'the request body ended before its declared length');
  return undefined;
}

/** Body-parser errors become precise 4xx, Temporal failures a 503 naming the cause, a locked, busy or unreachable store 503 `store_unavailable`; anything unexpected is a 500 without a stack trace. */
export function errorHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, req, res, _next) => answerError(res, err, log, `serve ${req.method} ${req.path}`);
}

/** What errorHandler answers, for a handler outside express: `operation` names the request in a 503 about Temporal. */
export function answerError(res: ServerResponse, err: unknown, log: (err: unknown) => void, operation: string): void {
  const known = expectedHttpError(err);
  if (known) return sendError(res, known);
  log(err);
  if (res.headersSent) return;
  sendError(res, httpErrorFor(err, operation));
}

/** The answer to any error: the expected ones', a busy store's or Temporal's 503, else a 500 without details. */
export function httpErrorFor(err: unknown, operation: string): HttpError {
  const known = expectedHttpError(err);
  if (known) return known;
  if (isStoreBusy(err)) return storeBusyError();
  const temporalProblem = classifyTemporalError(err, operation);
  if (temporalProblem) return temporalHttpError(temporalProblem);
  return new HttpError(500, 'internal', 'internal error; the server log has the details');
}

/**
 * A store that could not answer now (SQLite busy past its timeout; PostgreSQL lock, deadlock,
 * serialization or connection failures): 503 + Retry-After, like an unavailable Temporal; a retry
 * finds any run already started (same workflow id).
 */
function storeBusyError(): HttpError {
  return new HttpError(503, 'store_unavailable', 'the store is busy or unreachable; retry later', undefined, { 'Retry-After': '2' });
}

const codes: Record<TemporalProblem['kind'], string> = {
  unavailable: 'temporal_unavailable',
  misconfigured: 'temporal_misconfigured',
  permission_denied: 'temporal_permission_denied',
};

/**
 * The answer to a failed Temporal call, always a 503 (the request may succeed later, nothing was
 * accepted): `temporal_unavailable` with Retry-After when Temporal did not answer, otherwise a code
 * and message naming the missing namespace or search attribute, or the refused operation.
 */
export function temporalHttpError(problem: TemporalProblem, unavailableMessage?: string): HttpError {
  if (problem.kind === 'unavailable') return new HttpError(503, codes.unavailable, unavailableMessage ?? `${problem.message}; retry later`, undefined, { 'Retry-After': '5' });
  return new HttpError(503, codes[problem.kind], problem.message);
}

/** For the ingress (ingestEvents): the inbox append failed, nothing was accepted; the sender retries. */
function storeUnavailableError(message: string): HttpError {
  return new HttpError(503, 'store_unavailable', message, undefined, { 'Retry-After': '5' });
}
