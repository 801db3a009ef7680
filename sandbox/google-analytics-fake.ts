import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

interface Ga4ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: 'VALUE_INVALID' | 'VALUE_REQUIRED' | 'NAME_INVALID' | 'NAME_RESERVED' | 'VALUE_OUT_OF_BOUNDS' | 'EXCEEDED_MAX_ENTITIES';
}

const reservedEvents = new Set(['ad_activeview', 'ad_click', 'ad_exposure', 'ad_impression', 'ad_query', 'app_clear_data', 'app_exception', 'app_install', 'app_remove', 'app_update', 'error', 'first_open', 'first_visit', 'in_app_purchase', 'notification_open', 'os_update', 'session_start', 'user_engagement']);
const reservedPrefixes = ['_', 'firebase_', 'ga_', 'google_'];
const name = /^[A-Za-z][A-Za-z0-9_]*$/;
const hour = 3_600_000_000;

/**
 * What GA4's validation server reports for a Measurement Protocol body (vendor-apis.md §15):
 * client_id required, name rules, reserved names and prefixes, the 25-item limits, user
 * properties, timestamps at most 72 h back. `strict` = `validation_behavior: ENFORCE_RECOMMENDATIONS`.
 */
function validateGa4Payload(body: unknown, nowMicros: number): Ga4ValidationMessage[] {
  const out: Ga4ValidationMessage[] = [];
  const b = body as { client_id?: unknown; user_id?: unknown; timestamp_micros?: unknown; user_properties?: unknown; events?: unknown; validation_behavior?: unknown } | undefined;
  if (!b || typeof b !== 'object') return [{ fieldPath: '', description: 'Unable to parse Measurement Protocol JSON payload.', validationCode: 'VALUE_INVALID' }];
  if (typeof b.client_id !== 'string' || b.client_id === '') out.push({ fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' });
  if (b.user_id !== undefined && (typeof b.user_id !== 'string' || b.user_id.length > 256)) out.push({ fieldPath: 'user_id', description: 'user_id must be a string of at most 256 characters.', validationCode: 'VALUE_INVALID' });
  if (b.timestamp_micros !== undefined) {
    const t = Number(b.timestamp_micros);
    if (!Number.isFinite(t) || t > nowMicros + hour || t < nowMicros - 72 * hour) {
      out.push({ fieldPath: 'timestamp_micros', description: `Measurement timestamp_micros [${String(b.timestamp_micros)}] must be within the last 72 hours and not in the future.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
    }
  }
  if (b.user_properties !== undefined) {
    const props = Object.keys(b.user_properties as object);
    if (props.length > 25) out.push({ fieldPath: 'user_properties', description: `Measurement has ${props.length} user properties; the limit is 25.`, validationCode: 'EXCEEDED_MAX_ENTITIES' });
    for (const p of props) {
      if (!name.test(p) || p.length > 24) out.push({ fieldPath: 'user_properties', description: `User property has invalid name [${p}].`, validationCode: 'NAME_INVALID' });
    }
  }
  if (!Array.isArray(b.events) || b.events.length === 0) {
    out.push({ fieldPath: 'events', description: 'Measurement requires at least one event.', validationCode: 'VALUE_REQUIRED' });
    return out;
  }
  if (b.events.length > 25) out.push({ fieldPath: 'events', description: `Measurement has ${b.events.length} events; the limit is 25.`, validationCode: 'EXCEEDED_MAX_ENTITIES' });
  b.events.forEach((e: { name?: unknown; params?: Record<string, unknown> }, i: number) => {
    const n = typeof e?.name === 'string' ? e.name : '';
    if (reservedPrefixes.some((p) => n.startsWith(p)) || reservedEvents.has(n)) {
      out.push({ fieldPath: 'events', description: `Event at index: [${i}] has name [${n}] which is reserved.`, validationCode: 'NAME_RESERVED' });
    } else if (!name.test(n) || n.length > 40) {
      out.push({ fieldPath: 'events', description: `Event at index: [${i}] has invalid name [${n}]. Names must start with an alphabetic character.`, validationCode: 'NAME_INVALID' });
    }
    const params = e?.params ?? {};
    if (Object.keys(params).length > 25) out.push({ fieldPath: 'events.params', description: `Event at index: [${i}] has ${Object.keys(params).length} params; the limit is 25.`, validationCode: 'EXCEEDED_MAX_ENTITIES' });
    for (const [k, v] of Object.entries(params)) {
      if (!name.test(k) || k.length > 40) out.push({ fieldPath: 'events.params', description: `Event at index: [${i}] has invalid param [${k}].`, validationCode: 'NAME_INVALID' });
      if (typeof v === 'string' && v.length > 100 && !['page_title', 'page_referrer', 'page_location'].includes(k)) {
        out.push({ fieldPath: 'events.params', description: `Event at index: [${i}] has param [${k}] with a value longer than 100 characters.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
      }
    }
    if (b.validation_behavior === 'ENFORCE_RECOMMENDATIONS' && (n === 'purchase' || n === 'refund') && params.value !== undefined && typeof params.currency !== 'string') {
      out.push({ fieldPath: 'events.params.currency', description: `Event at index: [${i}] has a value param but no currency.`, validationCode: 'VALUE_REQUIRED' });
    }
  });
  return out;
}

/**
 * GA4 Measurement Protocol (vendor-apis.md §15). /mp/collect answers 204 to everything: a hit with
 * an unknown measurement id, a wrong or deleted secret, or an invalid payload is dropped
 * silently (`dropped`), a good one is recorded (`hits`). /debug/mp/collect answers 200 with the
 * validation messages and records nothing; it does not check the secret.
 */
export class GoogleAnalyticsFake extends FakeServer {
  /** measurement id → its Measurement Protocol API secrets. */
  readonly streams = new Map([['G-TEST123456', new Set(['mp-secret-1'])]]);
  readonly hits: { measurementId: string; clientId: string; userId?: string; events: { name: string; params?: Record<string, unknown> }[]; userProperties?: unknown }[] = [];
  dropped = 0;

  constructor() {
    super({
      failures: {
        serverError: () => ({ status: 503, text: 'Service Unavailable' }),
        // Undocumented for the Measurement Protocol: a bare 429 from Google's front end.
        rateLimited: () => ({ status: 429, text: 'Too Many Requests' }),
        unauthorized: () => ({ status: 401, json: { error: { code: 401, message: 'Request is missing required authentication credential.', status: 'UNAUTHENTICATED' } } }),
      },
    });
    this.route('POST', '/mp/collect', (req) => this.collect(req));
    this.route('POST', '/debug/mp/collect', (req) => ({ status: 200, json: { validationMessages: req.bodyError ? [{ fieldPath: '', description: 'Unable to parse Measurement Protocol JSON payload.', validationCode: 'VALUE_INVALID' }] : validateGa4Payload(req.body, Date.now() * 1000) } }));
  }

  /** Deletes the secret in GA4's admin: later hits with it are dropped, still with a 204. */
  revoke(measurementId: string, secret: string): void {
    this.streams.get(measurementId)?.delete(secret);
  }

  private collect(req: FakeRequest): FakeResponse {
    const id = req.query.get('measurement_id') ?? '';
    const known = this.streams.get(id)?.has(req.query.get('api_secret') ?? '') === true;
    if (!known || req.bodyError || validateGa4Payload(req.body, Date.now() * 1000).length > 0) {
      this.dropped++;
    } else {
      const b = req.body as { client_id: string; user_id?: string; events: { name: string; params?: Record<string, unknown> }[]; user_properties?: unknown };
      this.hits.push({ measurementId: id, clientId: b.client_id, userId: b.user_id, events: b.events, userProperties: b.user_properties });
    }
    return { status: 204 };
  }
}
