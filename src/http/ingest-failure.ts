import { EventsNotAcceptedError } from '../engine/ingest-event';
import { HttpError } from './errors';

/**
 * The one HTTP answer for events the engine could not durably accept (both ingresses): 503 with
 * Retry-After, so the sender retries the same delivery; anything else is rethrown as is.
 */
export function answerIngestFailure(err: unknown): never {
  if (err instanceof EventsNotAcceptedError) {
    throw new HttpError(503, 'temporal_unavailable', err.message, undefined, { 'Retry-After': String(err.retryAfterSeconds) });
  }
  throw err;
}
