import type { StatusRule, VendorProfile } from '../sdk/types';

interface NotionError {
  object?: string;
  status?: number;
  code?: string;
  message?: string;
}

/**
 * 409 `conflict_error` is a transaction conflict Notion asks clients to retry; 404
 * `object_not_found` (also: not shared with the integration) and 403 `restricted_resource` stay
 * fatal, 400 `validation_error` invalid input, 401 `unauthorized` auth lost, by the defaults.
 */
const rules: readonly StatusRule[] = [{ status: 409, kind: 'retryable' }];

/** `body failed validation: body.properties.Name.title should be defined` → `properties.Name.title`. */
const blamed = /\bbody\.([A-Za-z0-9_.[\]-]+)/;

/** Notion: `{object:"error", status, code, message}`; 429 `rate_limited` with Retry-After; the API version is a required header. */
export const notionVendor: VendorProfile = {
  vendor: 'Notion',
  headers: { 'notion-version': '2022-06-28' },
  rules,
  errorDetails(body) {
    const b = body as NotionError | undefined;
    if (!b || b.object !== 'error') return {};
    return { message: b.message, code: b.code, field: b.message ? blamed.exec(b.message)?.[1] : undefined };
  },
};
