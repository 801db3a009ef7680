import type { VendorProfile } from '../sdk/types';
import { untilNextUtcDay } from '../sdk/utc-day';

interface AmplitudeError {
  error?: string;
  missing_field?: string;
  events_with_invalid_fields?: Record<string, number[]>;
  events_with_missing_fields?: Record<string, number[]>;
  exceeded_daily_quota_users?: Record<string, number>;
  exceeded_daily_quota_devices?: Record<string, number>;
  throttled_users?: Record<string, number>;
  throttled_devices?: Record<string, number>;
}

/** Amplitude's guidance for a throttled user or device: pause it this long. */
export const throttlePauseMs = 30_000;

/** The payload's field → the action's input field. */
const inputFieldOf: Readonly<Record<string, string>> = {
  event_type: 'eventType',
  user_id: 'userId',
  device_id: 'deviceId',
  time: 'time',
  event_properties: 'eventProperties',
  user_properties: 'userProperties',
};

function asObject(body: unknown): AmplitudeError | undefined {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body) : undefined;
}

function nonEmpty(map: Record<string, unknown> | undefined): boolean {
  return map !== undefined && Object.keys(map).length > 0;
}

/** "Invalid API key: <key>" quotes the key back (the body is not the auth the SDK redacts). */
export function invalidApiKey(body: unknown): boolean {
  const text = typeof body === 'string' ? body : (asObject(body)?.error ?? '');
  return /invalid api[ _]key/i.test(text);
}

/**
 * 400 bodies name the bad fields (`missing_field`, `events_with_invalid_fields` /
 * `events_with_missing_fields`: field → event indexes); a 400 "Invalid API key" is the
 * connection's fault; 429 (throttled users/devices, or over the daily quota) carries no
 * Retry-After, so the wait comes from the body: the throttle's pause, or the rest of the UTC day.
 */
export const amplitudeVendor: VendorProfile = {
  vendor: 'Amplitude',
  rules: [{ status: 400, kind: 'auth_lost', when: invalidApiKey }],
  errorDetails(body) {
    if (invalidApiKey(body)) return { message: 'Invalid API key', field: 'apiKey', code: 'invalid_api_key' };
    if (typeof body === 'string') return { message: body.slice(0, 300) || undefined };
    const b = asObject(body);
    if (!b) return {};
    const fields = [
      ...Object.entries(b.events_with_missing_fields ?? {}).map(([f, idx]) => ({ f, what: `missing in event(s) ${idx.join(', ')}` })),
      ...Object.entries(b.events_with_invalid_fields ?? {}).map(([f, idx]) => ({ f, what: `invalid in event(s) ${idx.join(', ')}` })),
      ...(b.missing_field ? [{ f: b.missing_field, what: 'missing' }] : []),
    ];
    const quota = nonEmpty(b.exceeded_daily_quota_users) || nonEmpty(b.exceeded_daily_quota_devices) ? ' (daily quota exceeded; waiting for the next UTC day)' : '';
    const details = fields.map(({ f, what }) => `${inputFieldOf[f] ?? f} ${what}`).join('; ');
    return { message: `${b.error ?? 'request rejected'}${details ? `: ${details}` : ''}${quota}`, field: fields[0] ? (inputFieldOf[fields[0].f] ?? fields[0].f) : undefined };
  },
  rateLimitDelayMs(body, _response, now) {
    const b = asObject(body);
    if (nonEmpty(b?.exceeded_daily_quota_users) || nonEmpty(b?.exceeded_daily_quota_devices)) return untilNextUtcDay(now);
    return throttlePauseMs;
  },
};
