import { withoutSecrets } from './applied-secrets';
import { ConnectorError, type FailureKind } from './errors';
import type { HttpResponse } from './http-types';
import type { StatusRule, VendorProfile } from './types';

/** The default status → kind table (DESIGN §5). Connectors put their own rules in front, or replace it. */
const defaultStatusRules: readonly StatusRule[] = [
  { status: 401, kind: 'auth_lost' },
  { status: [400, 422], kind: 'invalid_input' },
  { status: 429, kind: 'rate_limited' },
  { status: [408, 425], kind: 'retryable' },
  { status: { from: 500, to: 599 }, kind: 'retryable' },
  { status: { from: 400, to: 499 }, kind: 'fatal' },
];

function statusMatches(rule: StatusRule['status'], status: number): boolean {
  if (typeof rule === 'number') return rule === status;
  if ('from' in rule) return status >= rule.from && status <= rule.to;
  return rule.includes(status);
}

function kindForStatus(status: number, body: unknown, response: HttpResponse, vendor: VendorProfile): FailureKind {
  const rules = vendor.replaceDefaultRules ? (vendor.rules ?? []) : [...(vendor.rules ?? []), ...defaultStatusRules];
  for (const rule of rules) {
    if (statusMatches(rule.status, status) && (!rule.when || rule.when(body, response))) return rule.kind;
  }
  return status >= 500 ? 'retryable' : 'fatal';
}

/** `Retry-After` (delta seconds or an HTTP date), else the vendor's reset header (unix seconds). */
export function retryAfterMs(headers: Record<string, string>, now: number, resetHeader?: string): number | undefined {
  const ra = headers['retry-after']?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Math.round(Number(ra) * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  if (resetHeader) {
    const reset = headers[resetHeader.toLowerCase()]?.trim();
    if (reset && /^\d+(\.\d+)?$/.test(reset)) {
      const n = Number(reset);
      // Unix seconds; small values are a delta in seconds (some vendors send that instead).
      return n > 1e9 ? Math.max(0, Math.round(n * 1000 - now)) : Math.round(n * 1000);
    }
  }
  return undefined;
}

/** How long a rate-limited response asks us to wait: its headers first, then what the vendor's body says. */
export function rateLimitWaitMs(response: HttpResponse, vendor: VendorProfile, now: number): number | undefined {
  return retryAfterMs(response.headers, now, vendor.rateLimitResetHeader) ?? vendor.rateLimitDelayMs?.(response.body, response, now);
}

/** Best-effort message from common error body shapes, when the vendor profile has none. */
function genericErrorDetails(body: unknown): { message?: string; field?: string; code?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 300) || undefined };
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>;
    return { message: str(e.message), code: str(e.code) ?? str(e.status) };
  }
  if (str(b.error) && str(b.error_description)) return { message: `${b.error}: ${b.error_description}`, code: str(b.error) };
  return { message: str(b.message) ?? str(b.detail) ?? str(b.error_description) ?? str(b.error) ?? str(b.title), code: str(b.code) ?? str(b.error) };
}

/** Turns a non-2xx response into a classified ConnectorError. */
export function classifyResponse(response: HttpResponse, vendor: VendorProfile, now = Date.now(), appliedSecrets: Iterable<string> = []): ConnectorError {
  const kind = kindForStatus(response.status, response.body, response, vendor);
  const details = vendor.errorDetails?.(response.body, response) ?? genericErrorDetails(response.body);
  const what = withoutSecrets(details.message ?? `HTTP ${response.status}`, appliedSecrets);
  const message = `${response.status} from ${vendor.vendor}: ${what}${details.field && !what.includes(details.field) ? ` (field ${details.field})` : ''}`;
  return new ConnectorError(kind, message, {
    status: response.status,
    code: details.code,
    field: details.field,
    retryAfterMs: kind === 'rate_limited' ? rateLimitWaitMs(response, vendor, now) : undefined,
  });
}
