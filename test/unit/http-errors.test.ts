import { describe, expect, it } from 'vitest';
import { errorHandler, HttpError, httpErrorOf } from '../../src/http/errors';
import { EventsNotAcceptedError } from '../../src/engine/ingest-event';
import { RetryRunError } from '../../src/engine/retry-run';
import { Refusal } from '../../src/refusal';
import { WebhooksOutError } from '../../src/webhooks-out/errors';

/** The error handler's answer, captured from a minimal response object (Node's `writeHead` and `end`). */
function answer(err: unknown) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    writeHead(code: number, headers: Record<string, string>) {
      sent.status = code;
      sent.headers = { ...headers };
      return this;
    },
    end: (body: string) => void (sent.body = JSON.parse(body)),
  };
  const logged: unknown[] = [];
  errorHandler((e) => logged.push(e))(err, {} as never, res as never, () => undefined);
  return { ...sent, logged };
}

describe('one way an HTTP route fails', () => {
  it('an engine refusal is answered with the status its reason maps to, code, message and details intact', () => {
    expect(answer(new Refusal('not_found', 'unknown_thing', 'no thing 7', { id: '7' }))).toMatchObject({ status: 404, body: { error: { code: 'unknown_thing', message: 'no thing 7', details: { id: '7' } } } });
    expect(answer(new RetryRunError('conflict', 'run_not_failed', 'run r is running'))).toMatchObject({ status: 409, body: { error: { code: 'run_not_failed' } } });
    expect(answer(new RetryRunError('invalid', 'idempotency_key_reused', 'x'))).toMatchObject({ status: 422 });
  });

  it('outgoing-webhook refusals map through the same table (no route keeps its own)', () => {
    const statuses = (['not_found', 'invalid_url', 'blocked_destination', 'conflict', 'subscription_disabled'] as const).map((code) => [code, httpErrorOf(new WebhooksOutError(code, code)).status]);
    expect(Object.fromEntries(statuses)).toEqual({ not_found: 404, invalid_url: 422, blocked_destination: 422, conflict: 409, subscription_disabled: 409 });
  });

  it('HttpError keeps its own status and headers; anything else is a 500 without details, logged', () => {
    expect(answer(new HttpError(503, 'temporal_unavailable', 'later', undefined, { 'Retry-After': '5' }))).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    const crash = answer(new TypeError('boom'));
    expect(crash).toMatchObject({ status: 500, body: { error: { code: 'internal', message: 'internal error; the server log has the details' } } });
    expect(crash.logged).toHaveLength(1);
  });

  it('a locked SQLite store (SQLITE_BUSY*, SQLITE_LOCKED*), bare or behind a refused run start, is 503 store_unavailable with Retry-After', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    for (const err of [busy, Object.assign(new Error('locked'), { code: 'SQLITE_LOCKED_SHAREDCACHE' }), new EventsNotAcceptedError(busy)]) {
      expect(answer(err)).toMatchObject({ status: 503, headers: { 'Retry-After': '2' }, body: { error: { code: 'store_unavailable' } } });
    }
    expect(answer(Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT' }))).toMatchObject({ status: 500 });
  });

  it('PostgreSQL lock, deadlock, serialization, shutdown and connection failures, bare or behind a refused run start, are 503 store_unavailable; its other errors stay 500', () => {
    const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    const unavailable = [
      pgError('55P03', 'canceling statement due to lock timeout'),
      pgError('40P01', 'deadlock detected'),
      pgError('40001', 'could not serialize access due to concurrent update'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('08006', 'connection failure'),
      pgError('08001'),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      new Error('Connection terminated unexpectedly'),
      pgError('55000', 'database "x" is not currently accepting connections'),
    ];
    for (const err of [...unavailable, new EventsNotAcceptedError(unavailable[0])]) {
      expect(answer(err), err.message).toMatchObject({ status: 503, headers: { 'Retry-After': '2' }, body: { error: { code: 'store_unavailable' } } });
    }
    for (const err of [pgError('23505', 'duplicate key value'), pgError('42P01', 'relation does not exist'), pgError('55000', 'object not in prerequisite state')]) {
      expect(answer(err), err.message).toMatchObject({ status: 500 });
    }
  });
});
