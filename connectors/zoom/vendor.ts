import type { VendorProfile } from '../sdk/types';

interface ZoomError {
  code?: number;
  message?: string;
  errors?: { field?: string; message?: string }[];
}

const codeOf = (body: unknown) => (body && typeof body === 'object' ? (body as ZoomError).code : undefined);

/**
 * `{"code":<int>,"message":"…"}`, validation `{"code":300,"message":"Validation Failed.","errors":[{"field","message"}]}`;
 * 401 code 124 (invalid token); 429 with Retry-After (seconds, or an ISO time for the daily limits).
 */
export const zoomVendor: VendorProfile = {
  vendor: 'Zoom',
  headers: { accept: 'application/json' },
  rules: [
    // The token lacks a scope the call needs: only an admin changing the app's scopes fixes it.
    { status: { from: 400, to: 403 }, kind: 'auth_lost', when: (b) => codeOf(b) === 4700 },
    // 1001 "User does not exist", 3001 "Meeting … is not found or has expired": the step named something that is not there.
    { status: 404, kind: 'invalid_input', when: (b) => codeOf(b) === 1001 || codeOf(b) === 3001 },
  ],
  errorDetails(body) {
    if (!body || typeof body !== 'object') return {};
    const b = body as ZoomError;
    const first = b.errors?.[0];
    const message = [b.message, first ? `${first.field}: ${first.message}` : undefined].filter(Boolean).join(' ');
    return { message: message || undefined, field: first?.field, code: b.code === undefined ? undefined : String(b.code) };
  },
};
