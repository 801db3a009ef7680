import type { VendorProfile } from '../sdk/types';

interface Problem {
  title?: string;
  detail?: string;
  errors?: { field?: string; message?: string }[];
}

/** RFC 7807-style problems: `{ title, detail, errors: [{ field, message }] }`. */
export const mailchimpVendor: VendorProfile = {
  vendor: 'Mailchimp',
  // Mailchimp may throttle with a bare 403 under very high volume; it is treated as fatal unless
  // the body says otherwise, because 403 is also "forbidden for this key".
  errorDetails(body) {
    const p = body as Problem | undefined;
    if (!p || typeof p !== 'object') return {};
    const first = p.errors?.[0];
    return { message: [p.title, p.detail, first?.field && `${first.field}: ${first.message}`].filter(Boolean).join(': ') || undefined, field: first?.field, code: p.title };
  },
};
