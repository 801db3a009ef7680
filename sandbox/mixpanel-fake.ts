import { basicCredentials, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

interface FailedRecord {
  index: number;
  $insert_id: string;
  field: string;
  message: string;
}

interface ImportedEvent {
  event: string;
  properties: Record<string, unknown> & { time: number; distinct_id: string; $insert_id: string };
}

const insertIdPattern = /^[A-Za-z0-9-]{1,36}$/;

/**
 * Mixpanel ingestion (vendor-apis.md §16). `/import?strict=1&project_id=`: Basic service account,
 * 401 for a bad one, 400 with `failed_records` in strict mode (the valid records of the batch are
 * still imported), deduplication on event + distinct_id + time + $insert_id, 429 without
 * Retry-After. `/engage?verbose=1`: project token in the body, `{status, error}` in a 200.
 */
export class MixpanelFake extends FakeServer {
  readonly serviceAccounts = new Map([['switchyard.abc123.mp-service-account', 'sa-secret-1']]);
  readonly projects = new Map([['2195193', 'proj-token-1']]);
  readonly revoked = new Set<string>();
  /** Imported events, deduplicated the way Mixpanel does. */
  readonly events: ImportedEvent[] = [];
  readonly profiles = new Map<string, Record<string, unknown>>();
  /** The next import is committed, then its answer lost (a gateway timeout): the client must retry. */
  loseNextAnswer = false;

  constructor() {
    super({
      failures: {
        serverError: () => ({ status: 502, json: { code: 502, error: 'Bad Gateway', status: 'Bad Gateway' } }),
        rateLimited: () => ({ status: 429, json: { code: 429, error: 'Project exceeded rate limits. Please retry the request with exponential backoff.', status: 'Too Many Requests' } }),
        unauthorized: () => unauthorized(),
      },
    });
    this.route('POST', '/import', (req) => this.import(req));
    this.route('POST', '/engage', (req) => this.engage(req));
  }

  /** /import takes the service account (HTTP Basic); /engage is authorized by the project token in its body. */
  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path !== '/import') return undefined;
    const c = basicCredentials(req);
    if (!c || this.revoked.has(c.user) || this.serviceAccounts.get(c.user) !== c.password) return unauthorized();
    if (!this.projects.has(req.query.get('project_id') ?? '')) {
      return { status: 403, json: { code: 403, error: 'service account does not have access to this project', status: 'Forbidden' } };
    }
    return undefined;
  }

  private import(req: FakeRequest): FakeResponse {
    if (req.bodyError || !Array.isArray(req.body)) return { status: 400, json: { code: 400, error: 'unable to parse request body as a JSON array of events', status: 'Bad Request' } };
    if (req.body.length > 2000) return { status: 413, json: { code: 413, error: 'request contains more than 2000 events', status: 'Payload Too Large' } };
    const strict = req.query.get('strict') === '1';
    const failed: FailedRecord[] = [];
    let imported = 0;
    (req.body as { event?: unknown; properties?: Record<string, unknown> }[]).forEach((e, index) => {
      const p = e.properties ?? {};
      const insertId = typeof p.$insert_id === 'string' ? p.$insert_id : '';
      const fail = (field: string, message: string) => failed.push({ index, $insert_id: insertId, field, message });
      if (typeof e.event !== 'string' || e.event === '') return fail('event', "'event' must be a non-empty string");
      if (typeof p.time !== 'number' || p.time <= 0) return fail('properties.time', "'properties.time' is invalid: must be specified in seconds or milliseconds since epoch");
      if (p.time > Date.now() + 3_600_000) return fail('properties.time', "'properties.time' is in the future");
      if (typeof p.distinct_id !== 'string') return fail('properties.distinct_id', "'properties.distinct_id' must be specified");
      if (strict && !insertIdPattern.test(insertId)) return fail('properties.$insert_id', "'properties.$insert_id' must be at most 36 alphanumeric or '-' characters");
      const bad = Object.keys(p).find((k) => k.startsWith('mp_') || k.length > 255);
      if (strict && bad) return fail(`properties.${bad}`, `property name '${bad}' is reserved or too long`);
      imported++;
      const record = { event: e.event, properties: p as ImportedEvent['properties'] };
      const duplicate = this.events.some((x) => x.event === record.event && x.properties.distinct_id === p.distinct_id && x.properties.time === p.time && x.properties.$insert_id === insertId);
      if (!duplicate) this.events.push(record);
    });
    if (failed.length > 0) {
      return { status: 400, json: { code: 400, error: 'some data points in the request failed validation', failed_records: failed, num_records_imported: imported, status: 'Bad Request' } };
    }
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      return { status: 504, text: 'upstream request timeout' };
    }
    return { status: 200, json: { code: 200, num_records_imported: imported, status: 'OK' } };
  }

  private engage(req: FakeRequest): FakeResponse {
    const verbose = req.query.get('verbose') === '1';
    const answer = (error: string | null): FakeResponse => (verbose ? { status: 200, json: { status: error ? 0 : 1, error } } : { status: 200, text: error ? '0' : '1' });
    if (req.bodyError || !Array.isArray(req.body)) return answer('data, missing or empty');
    for (const u of req.body as Record<string, unknown>[]) {
      const token = u.$token;
      if (typeof token !== 'string' || ![...this.projects.values()].includes(token)) return answer(`$token, invalid project token: ${String(token)}`);
      if (typeof u.$distinct_id !== 'string' || u.$distinct_id === '') return answer('$distinct_id, missing or empty');
      const set = u.$set;
      if (!set || typeof set !== 'object' || Array.isArray(set)) return answer('$set, must be an object');
      this.profiles.set(u.$distinct_id, { ...this.profiles.get(u.$distinct_id), ...(set as Record<string, unknown>) });
    }
    return answer(null);
  }
}

function unauthorized(): FakeResponse {
  return { status: 401, json: { code: 401, error: 'Unauthorized, invalid project secret. See docs for more information: https://developer.mixpanel.com/reference/authentication#project-secret', status: 'Unauthorized' } };
}
