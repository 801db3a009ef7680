import type { VendorProfile } from '../sdk/types';

interface GoogleError {
  error?: { code?: number; message?: string; status?: string; details?: { reason?: string }[] };
}

const reasonIs = (body: unknown, ...reasons: string[]) => {
  const e = (body as GoogleError | undefined)?.error;
  return !!e && (e.details ?? []).some((d) => !!d.reason && reasons.includes(d.reason));
};

/** Google's `{ error: { code, message, status, details: [{ reason }] } }`. */
export const googleSheetsVendor: VendorProfile = {
  vendor: 'Google Sheets',
  rules: [
    // Google signals per-user quota with 403 as well as 429 (no Retry-After: back off).
    { status: 403, kind: 'rate_limited', when: (b) => reasonIs(b, 'RATE_LIMIT_EXCEEDED', 'rateLimitExceeded', 'userRateLimitExceeded') },
    { status: 404, kind: 'invalid_input' },
  ],
  errorDetails(body) {
    const e = (body as GoogleError | undefined)?.error;
    return e ? { message: e.message, code: e.status } : {};
  },
};
