import type { VendorProfile } from '../sdk/types';

interface DropboxError {
  error_summary?: string;
  error?: { '.tag'?: string };
}

const summaryOf = (body: unknown): string => (body && typeof body === 'object' ? ((body as DropboxError).error_summary ?? '') : '');

/** Path errors that mean the step named a bad or clashing path (409 `path/conflict/file/..`, `path/not_found/..`). */
const badPath = /^(path|path_lookup|from_lookup)\/(malformed_path|not_found|conflict|disallowed_name|not_file|not_folder)\b/;

/**
 * Dropbox errors: 400 is plain text (malformed arguments); 401 `{error_summary: "invalid_access_token/…"}`
 * (or `expired_access_token`); 409 endpoint errors named by `error_summary`; 429 with Retry-After
 * (`too_many_requests` / `too_many_write_operations`).
 */
export const dropboxVendor: VendorProfile = {
  vendor: 'Dropbox',
  rules: [
    // Dropbox reports write contention inside a 409 as well as with 429.
    { status: 409, kind: 'rate_limited', when: (b) => summaryOf(b).includes('too_many_write_operations') },
    { status: 409, kind: 'invalid_input', when: (b) => badPath.test(summaryOf(b)) },
  ],
  errorDetails(body) {
    if (typeof body === 'string') return { message: body.slice(0, 300) || undefined };
    const b = body as DropboxError | undefined;
    if (!b?.error_summary) return {};
    return { message: b.error_summary, code: b.error?.['.tag'], field: badPath.test(b.error_summary) ? 'path' : undefined };
  },
};

/** JSON for the `Dropbox-API-Arg` header: HTTP headers carry ASCII only, so everything else is `\uXXXX`-escaped. */
export function dropboxApiArg(arg: unknown): string {
  return JSON.stringify(arg).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
