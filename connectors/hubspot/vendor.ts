import type { HttpResponse } from '../sdk/http-types';
import type { VendorProfile } from '../sdk/types';
import { untilNextUtcDay } from '../sdk/utc-day';

interface HubSpotError {
  message?: string;
  category?: string;
  policyName?: string;
  errors?: { message?: string; code?: string; context?: Record<string, unknown> }[];
}

const hourMs = 3_600_000;

function asError(body: unknown): HubSpotError | undefined {
  return body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
}

/**
 * HubSpot resets the daily limit at midnight in the portal's time zone, which no response names.
 * After noon UTC every zone (down to UTC-12) has passed its midnight, so the next reset is at the
 * latest the next UTC midnight; before noon a portal west of UTC may still be waiting for its own,
 * so we look again hourly. At most about a dozen calls a day, never a retry storm.
 */
function untilDailyReset(now: number): number {
  const rest = untilNextUtcDay(now);
  return rest > 12 * hourMs ? hourMs : rest;
}

/** The rolling window the 429 names (`X-HubSpot-RateLimit-Interval-Milliseconds`), else the policy's own length. */
function windowMs(response: HttpResponse, fallback: number): number {
  const interval = Number(response.headers['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? interval : fallback;
}

/** `Property values were not valid: [{"error":"PROPERTY_DOESNT_EXIST","name":"foo","message":"Property \"foo\" does not exist"}]` (single-record writes). */
function embeddedPropertyError(message: string): { name?: string; code?: string; message?: string } | undefined {
  const start = message.indexOf('[');
  if (start < 0) return undefined;
  try {
    const [first] = JSON.parse(message.slice(start)) as { name?: string; error?: string; message?: string }[];
    return first && { name: first.name, code: first.error, message: first.message };
  } catch {
    return undefined;
  }
}

/** The property an error blames: `errors[].context.propertyName` (batch, search), else the embedded list's `name`. */
function blamedProperty(b: HubSpotError): { field?: string; code?: string; message?: string } {
  for (const e of b.errors ?? []) {
    const names = e.context?.propertyName;
    const name = Array.isArray(names) && typeof names[0] === 'string' ? names[0] : undefined;
    if (name) return { field: name, code: e.code, message: e.message };
  }
  const embedded = b.message ? embeddedPropertyError(b.message) : undefined;
  return { field: embedded?.name, code: embedded?.code ?? b.errors?.[0]?.code, message: embedded?.message };
}

/**
 * HubSpot errors: `{status:"error", message, correlationId, category, errors?[]}`. 400
 * VALIDATION_ERROR names the property (PROPERTY_DOESNT_EXIST, INVALID_OPTION…); 409 CONFLICT is a
 * duplicate unique value (a contact's email), its message carrying the existing record's id; 404
 * OBJECT_NOT_FOUND is a record the step named that is not there. 429 bodies name their
 * `policyName`: the ten-secondly and secondly windows are short waits, DAILY a long one.
 */
export const hubspotVendor: VendorProfile = {
  vendor: 'HubSpot',
  headers: { accept: 'application/json' },
  rules: [{ status: [404, 409], kind: 'invalid_input' }],
  errorDetails(body, response) {
    const b = asError(body);
    if (!b) return typeof body === 'string' ? { message: body.slice(0, 300) || undefined } : {};
    if (response.status === 409) return { message: b.message, code: b.category ?? 'CONFLICT' };
    if (response.status === 429) return { message: b.message, code: b.policyName };
    const blamed = blamedProperty(b);
    return { message: blamed.message ?? b.message, field: blamed.field, code: blamed.code ?? b.category };
  },
  rateLimitDelayMs(body, response, now) {
    switch (asError(body)?.policyName) {
      case 'DAILY':
        return untilDailyReset(now);
      case 'SECONDLY':
        return windowMs(response, 1_000);
      default:
        return windowMs(response, 10_000);
    }
  },
};
