import type { VendorProfile } from '../sdk/types';

interface IntercomErrorList {
  type?: string;
  errors?: { code?: string; message?: string; field?: string }[];
}

/** Intercom's `error.list` body, `X-RateLimit-Reset` on 429, and the required `Accept` header. */
export const intercomVendor: VendorProfile = {
  vendor: 'Intercom',
  headers: { accept: 'application/json', 'intercom-version': '2.14' },
  rateLimitResetHeader: 'x-ratelimit-reset',
  errorDetails(body) {
    const first = (body as IntercomErrorList | undefined)?.errors?.[0];
    if (!first) return {};
    return { message: first.message ?? first.code, field: first.field, code: first.code };
  },
};
