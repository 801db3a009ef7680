import type { HttpResponse } from '../sdk/http-types';
import type { VendorProfile } from '../sdk/types';

/** The REST API version every call uses (Winter '25); upsert answers 200 + `created` from v46 on. */
export const apiVersion = 'v62.0';

interface SalesforceError {
  message?: string;
  errorCode?: string;
  fields?: string[];
  duplicateResult?: { matchResults?: { matchRecords?: { record?: { Id?: string }; fieldDiffs?: { name: string; difference: string }[] }[] }[] };
}

const errorsOf = (body: unknown): SalesforceError[] => (Array.isArray(body) ? body.filter((e): e is SalesforceError => !!e && typeof e === 'object') : []);
const codeOf = (body: unknown) => errorsOf(body)[0]?.errorCode;
const idOfUrl = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** The fields an error blames: its `fields`, else the column named in an INVALID_FIELD message. */
function fieldsOf(e: SalesforceError): string[] {
  if (e.fields?.length) return e.fields;
  const column = /No such column '([^']+)'/.exec(e.message ?? '')?.[1];
  if (column) return [column];
  const matches = e.duplicateResult?.matchResults?.flatMap((m) => m.matchRecords ?? []) ?? [];
  return [...new Set(matches.flatMap((r) => (r.fieldDiffs ?? []).filter((d) => d.difference === 'SAME').map((d) => d.name)))];
}

function describeError(e: SalesforceError): string {
  const duplicates = e.duplicateResult?.matchResults?.flatMap((m) => m.matchRecords ?? []).map((r) => r.record?.Id) ?? [];
  const ids = duplicates.filter((id): id is string => !!id);
  return `${e.errorCode ?? 'ERROR'}: ${e.message ?? ''}${ids.length ? ` (matching records: ${ids.join(', ')})` : ''}`;
}

const day = 24 * 3600_000;

/**
 * The wait after 403 REQUEST_LIMIT_EXCEEDED. The org's limit is a rolling 24-hour window and
 * `Sforce-Limit-Info: api-usage=<used>/<max>` says how far over it is; Salesforce names no reset
 * time. Assuming the day's calls were spread evenly, one call ages out every 24h/used, so the
 * wait is the time for the excess plus this call to age out: 24h × (used − max + 1) / used,
 * never more than a day. Without the header: one hour, a long wait rather than a retry storm.
 */
function limitWaitMs(response: HttpResponse): number {
  const usage = /api-usage=(\d+)\/(\d+)/.exec(response.headers['sforce-limit-info'] ?? '');
  if (!usage) return 3600_000;
  const [used, max] = [Number(usage[1]), Number(usage[2])];
  if (used <= 0) return 3600_000;
  return Math.min(day, Math.ceil((day * Math.max(1, used - max + 1)) / used));
}

/**
 * Salesforce errors are a JSON array `[{message, errorCode, fields}]`. 401 INVALID_SESSION_ID
 * (after the refresh the SDK tries) is auth_lost by default; 403 REQUEST_LIMIT_EXCEEDED is the
 * daily org limit; 300 is an external id matching several records (the body lists their URLs).
 */
export const salesforceVendor: VendorProfile = {
  vendor: 'Salesforce',
  headers: { accept: 'application/json' },
  rules: [
    { status: 403, kind: 'rate_limited', when: (b) => codeOf(b) === 'REQUEST_LIMIT_EXCEEDED' },
    // Another transaction holds the record: Salesforce asks for a retry.
    { status: 400, kind: 'retryable', when: (b) => codeOf(b) === 'UNABLE_TO_LOCK_ROW' },
    { status: 300, kind: 'invalid_input' },
    // A record id or external id that names nothing: the step's input is wrong.
    { status: 404, kind: 'invalid_input' },
  ],
  rateLimitDelayMs: (_body, response) => limitWaitMs(response),
  errorDetails(body, response) {
    if (response.status === 300 && Array.isArray(body)) {
      const ids = body.filter((u): u is string => typeof u === 'string').map(idOfUrl);
      return { message: `the external id matches ${ids.length} records: ${ids.join(', ')}`, code: 'MULTIPLE_CHOICES' };
    }
    const errors = errorsOf(body);
    if (!errors.length) return {};
    const fields = [...new Set(errors.flatMap(fieldsOf))];
    return { message: errors.map(describeError).join('; '), code: errors[0]!.errorCode, field: fields.join(', ') || undefined };
  },
};
