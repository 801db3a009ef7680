import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

interface AmplitudeEvent {
  event_type: string;
  user_id?: string;
  device_id?: string;
  insert_id?: string;
  [key: string]: unknown;
}

const minIdLength = 5;

/**
 * Amplitude ingestion (vendor-apis.md §17): HTTP V2 `POST /2/httpapi` (api_key in the JSON body;
 * 400 bodies naming missing/invalid fields per event index; "Invalid API key" as a 400; insert_id
 * dedupe per user/device) and Identify `POST /identify` (form `api_key` + `identification` JSON,
 * 200 `success`). 429 bodies name the throttled users/devices or those over the daily quota,
 * without Retry-After.
 */
export class AmplitudeFake extends FakeServer {
  readonly apiKeys = new Set(['amp-key-0123456789abcdef']);
  readonly events: AmplitudeEvent[] = [];
  readonly identities = new Map<string, Record<string, unknown>>();
  /** The next upload is ingested, then its answer lost (a gateway timeout): the client must retry. */
  loseNextAnswer = false;

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => ({ status: 500, json: { code: 500, error: 'Internal server error' } }),
        rateLimited: () => throttled({ throttled_users: { 'user-12345': 31 }, throttled_devices: {} }),
        unauthorized: () => invalidKey('revoked-key'),
      },
    });
    this.route('POST', '/2/httpapi', (req) => this.upload(req));
    this.route('POST', '/identify', (req) => this.identify(req));
  }

  revoke(apiKey: string): void {
    this.apiKeys.delete(apiKey);
  }

  /** The next request is refused because these users went over the daily event quota. */
  overDailyQuota(users: string[]): void {
    this.fail({ kind: 'respond', response: throttled({ exceeded_daily_quota_users: Object.fromEntries(users.map((u) => [u, 500_001])), exceeded_daily_quota_devices: {} }) });
  }

  private upload(req: FakeRequest): FakeResponse {
    const b = req.body as { api_key?: unknown; events?: unknown } | undefined;
    if (req.bodyError || !b || typeof b !== 'object') return { status: 400, json: { code: 400, error: 'Invalid JSON request body' } };
    if (typeof b.api_key !== 'string' || b.api_key === '') return { status: 400, json: { code: 400, error: 'Request missing required field', missing_field: 'api_key' } };
    if (!this.apiKeys.has(b.api_key)) return invalidKey(b.api_key);
    if (!Array.isArray(b.events) || b.events.length === 0) return { status: 400, json: { code: 400, error: 'Request missing required field', missing_field: 'events' } };
    if (b.events.length > 2000) return { status: 413, json: { code: 413, error: 'Payload too large' } };
    const missing: Record<string, number[]> = {};
    const invalid: Record<string, number[]> = {};
    const note = (map: Record<string, number[]>, field: string, i: number) => (map[field] ??= []).push(i);
    (b.events as AmplitudeEvent[]).forEach((e, i) => {
      if (typeof e.event_type !== 'string' || e.event_type === '') note(missing, 'event_type', i);
      if (e.user_id === undefined && e.device_id === undefined) note(missing, 'user_id', i);
      if (e.user_id !== undefined && (typeof e.user_id !== 'string' || e.user_id.length < minIdLength)) note(invalid, 'user_id', i);
      if (e.device_id !== undefined && (typeof e.device_id !== 'string' || e.device_id.length < minIdLength || /^[0-]+$/.test(e.device_id))) note(invalid, 'device_id', i);
      if (e.time !== undefined && typeof e.time !== 'number') note(invalid, 'time', i);
    });
    if (Object.keys(missing).length > 0 || Object.keys(invalid).length > 0) {
      return { status: 400, json: { code: 400, error: 'Request has events with missing or invalid fields', events_with_missing_fields: missing, events_with_invalid_fields: invalid } };
    }
    for (const e of b.events as AmplitudeEvent[]) {
      const duplicate = e.insert_id !== undefined && this.events.some((x) => x.insert_id === e.insert_id && (x.user_id ?? x.device_id) === (e.user_id ?? e.device_id));
      if (!duplicate) this.events.push(e);
    }
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      return { status: 504, text: 'upstream request timeout' };
    }
    return { status: 200, json: { code: 200, events_ingested: b.events.length, payload_size_bytes: Buffer.byteLength(req.rawBody), server_upload_time: Date.now() } };
  }

  private identify(req: FakeRequest): FakeResponse {
    const form = req.body as { api_key?: string; identification?: string } | undefined;
    if (!String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded') || !form) return { status: 400, text: 'missing api_key' };
    if (!form.api_key) return { status: 400, text: 'missing api_key' };
    if (!this.apiKeys.has(form.api_key)) return { status: 400, text: 'invalid api_key' };
    let list: unknown;
    try {
      list = JSON.parse(form.identification ?? '');
    } catch {
      return { status: 400, text: 'missing identification' };
    }
    const ids = Array.isArray(list) ? list : [list];
    for (const id of ids as { user_id?: unknown; device_id?: unknown; user_properties?: unknown }[]) {
      if (id.user_id === undefined && id.device_id === undefined) return { status: 400, text: 'identification must have a user_id or device_id' };
      if (id.user_id !== undefined && (typeof id.user_id !== 'string' || id.user_id.length < minIdLength)) return { status: 400, text: `invalid user_id: ${String(id.user_id)}` };
      if (!id.user_properties || typeof id.user_properties !== 'object') return { status: 400, text: 'user_properties must be an object' };
      const key = String(id.user_id ?? id.device_id);
      this.identities.set(key, { ...this.identities.get(key), ...(id.user_properties as Record<string, unknown>) });
    }
    return { status: 200, text: 'success' };
  }
}

function invalidKey(key: string): FakeResponse {
  return { status: 400, json: { code: 400, error: `Invalid API key: ${key}` } };
}

function throttled(extra: Record<string, unknown>): FakeResponse {
  return { status: 429, json: { code: 429, error: 'Too many requests for some devices and users', eps_threshold: 30, throttled_events: [0], ...extra } };
}
