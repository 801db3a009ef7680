import type { VendorProfile } from '../sdk/types';

interface FailedRecord {
  index?: number;
  $insert_id?: string;
  field?: string;
  message?: string;
}

interface MixpanelError {
  error?: string | null;
  failed_records?: FailedRecord[];
  /** `/engage?verbose=1`: 1 ok, 0 failed (inside a 200). */
  status?: number | string;
}

/** `properties.time` → `time`, `properties.plan` → `properties.plan`: the action's input field the vendor blamed. */
function inputField(field: string | undefined): string | undefined {
  if (!field) return undefined;
  const own: Record<string, string> = { 'properties.time': 'time', 'properties.distinct_id': 'distinctId', event: 'event' };
  return own[field] ?? field;
}

/**
 * `/import` (strict): 400 with `failed_records` naming each rejected record and field, 401 for a
 * bad service account, 429 without Retry-After (exponential backoff). `/engage?verbose=1`: errors
 * as `{status:0, error}` inside a 200; a bad project token is the connection's fault.
 */
export const mixpanelVendor: VendorProfile = {
  vendor: 'Mixpanel',
  headers: { accept: 'application/json' },
  errorDetails(body) {
    const b = body as MixpanelError | undefined;
    if (!b || typeof b !== 'object') return {};
    const failed = b.failed_records ?? [];
    if (failed.length === 0) return { message: b.error ?? undefined };
    const records = failed.map((r) => `record ${r.index ?? '?'} (${r.$insert_id ?? 'no $insert_id'}): ${r.field ?? 'event'}: ${r.message ?? 'invalid'}`);
    return { message: `${b.error ?? 'some records failed validation'}: ${records.join('; ')}`, field: inputField(failed[0]!.field) };
  },
  inspect(response) {
    const b = response.body as MixpanelError | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b) || (b.status !== 0 && b.status !== '0')) return undefined;
    const message = b.error ?? 'request failed';
    return { kind: /token/i.test(message) ? 'auth_lost' : 'invalid_input', message, field: /token/i.test(message) ? 'projectToken' : undefined };
  },
};
