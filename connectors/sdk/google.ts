import { auth } from './auth';
import type { StatusRule, VendorProfile } from './types';

/**
 * Google OAuth2 for every Google connector (Sheets, Drive): one token endpoint, refresh-token grant,
 * refreshed before expiry and once on a 401, single-flight per connection (oauth2.ts).
 */
export function googleOAuth2(scopes: readonly string[]) {
  return auth.oauth2({
    tokenUrl: 'https://oauth2.googleapis.com/token',
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    scopes,
    // `offline` gives a refresh token; `consent` gives one again on a reconnect (Google sends it only on first consent otherwise).
    authorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    // One Google Cloud OAuth client serves Sheets and Drive.
    app: 'GOOGLE',
  });
}

/**
 * Google's two error shapes: the AIP-193 `{error:{code,message,status,details:[{reason}]}}` (Sheets)
 * and the legacy `{error:{code,message,errors:[{domain,reason,message,location}]}}` (Drive).
 */
interface GoogleError {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { reason?: string }[];
    errors?: { reason?: string; message?: string; location?: string }[];
  };
}

const errorOf = (body: unknown) => (body && typeof body === 'object' ? (body as GoogleError).error : undefined);

function googleReasonIs(body: unknown, ...reasons: string[]): boolean {
  const e = errorOf(body);
  if (!e) return false;
  return [...(e.details ?? []), ...(e.errors ?? [])].some((d) => !!d.reason && reasons.includes(d.reason));
}

/** Google signals quota with 403 as well as 429 (no Retry-After: the retry policy backs off). */
const googleRateLimitRule: StatusRule = {
  status: 403,
  kind: 'rate_limited',
  when: (b) => googleReasonIs(b, 'RATE_LIMIT_EXCEEDED', 'rateLimitExceeded', 'userRateLimitExceeded'),
};

/** The vendor profile shared by Google APIs; `rules` go after the 403 quota rule. */
export function googleVendor(vendor: string, rules: readonly StatusRule[] = []): VendorProfile {
  return {
    vendor,
    rules: [googleRateLimitRule, ...rules],
    errorDetails(body) {
      const e = errorOf(body);
      if (!e) return {};
      const first = e.errors?.[0];
      return { message: e.message, code: first?.reason ?? e.status, field: first?.location };
    },
  };
}
