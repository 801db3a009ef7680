import { randomUUID } from 'node:crypto';
import { FakeServer } from './fake-server';

/**
 * A Zapier-style catch hook (vendor-apis.md §18): a secret URL, any JSON accepted, always 200 with
 * a small JSON status; 429 above the per-hook rate. Also serves as a plain HTTP target for `http.request`.
 */
export class CatchHookFake extends FakeServer {
  readonly hookPath = `/hooks/catch/123456/${randomUUID().slice(0, 8)}/`;

  constructor() {
    super({
      failures: {
        serverError: () => ({ status: 502, text: 'Bad Gateway' }),
        rateLimited: (s) => ({ status: 429, headers: { 'retry-after': String(s) }, json: { status: 'throttled' } }),
        unauthorized: () => ({ status: 401, json: { status: 'unauthorized' } }),
      },
    });
    this.route('POST', this.hookPath, (req) => {
      if (req.bodyError) return { status: 400, json: { status: 'error', message: 'invalid JSON' } };
      return { status: 200, json: { attempt: randomUUID(), id: randomUUID(), request_id: randomUUID(), status: 'success' } };
    });
    this.route('GET', '/echo', (req) => ({ status: 200, json: { query: Object.fromEntries(req.query), headers: { 'x-test': req.headers['x-test'] ?? null } } }));
    this.route('POST', '/form', (req) => ({ status: 200, json: { form: req.rawBody, type: req.headers['content-type'] } }));
    this.route('GET', '/missing', () => ({ status: 404, json: { message: 'not here' } }));
    this.route('GET', '/bad-request', () => ({ status: 422, json: { message: 'name is required', field: 'name' } }));
  }
}
