import type { VendorProfile } from '../sdk/types';

/**
 * Legacy connectors "do not throw 429s": a throttled post answers 200 with a body reporting the
 * upstream 429, which is a rate limit (no delay given, so the step's backoff applies).
 */
export const teamsVendor: VendorProfile = {
  vendor: 'Microsoft Teams',
  inspect(response) {
    if (typeof response.body === 'string' && /returned HTTP error 429/.test(response.body)) {
      return { kind: 'rate_limited', message: 'throttled (HTTP 429 reported inside a 200)', code: 'throttled' };
    }
    return undefined;
  },
  errorDetails(body) {
    if (typeof body === 'string') return { message: body.slice(0, 300) || undefined };
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    return e ? { message: e.message, code: e.code } : {};
  },
};
