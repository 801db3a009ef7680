import type { HttpResponse, StatusRule, VendorProfile } from '../sdk/types';

interface GithubError {
  message?: string;
  errors?: ({ resource?: string; field?: string; code?: string; message?: string } | string)[];
}

/** Primary limit: `x-ratelimit-remaining: 0` (wait for `x-ratelimit-reset`); secondary: `retry-after`, or the message says so. */
function rateLimited(body: unknown, response: HttpResponse): boolean {
  if (response.headers['x-ratelimit-remaining'] === '0' || response.headers['retry-after'] !== undefined) return true;
  return /secondary rate limit/i.test((body as GithubError | undefined)?.message ?? '');
}

/** 403 and 429 are rate limits only with GitHub's signals; a bare 403 is a permission error (fatal by default). */
const rules: readonly StatusRule[] = [{ status: [403, 429], kind: 'rate_limited', when: rateLimited }];

/** 422 `Validation Failed` names each bad field in `errors[]`: all of them go into the message, the first is the blamed field. */
function errorDetails(body: unknown): { message?: string; field?: string; code?: string } {
  const b = body as GithubError | undefined;
  if (!b || typeof b !== 'object') return {};
  const items = (b.errors ?? []).map((e) => (typeof e === 'string' ? { message: e } : e));
  const described = items.map((e) => (e.field ? `${e.field}: ${e.message ?? e.code ?? 'invalid'}` : (e.message ?? e.code))).filter(Boolean);
  const message = described.length ? `${b.message ?? 'Validation Failed'} (${described.join('; ')})` : b.message;
  return { message, field: items.find((e) => e.field)?.field, code: items[0]?.code };
}

/** GitHub REST: versioned JSON media type, `{message, errors[], documentation_url}` bodies, primary and secondary rate limits. */
export const githubVendor: VendorProfile = {
  vendor: 'GitHub',
  headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
  rules,
  rateLimitResetHeader: 'x-ratelimit-reset',
  errorDetails,
};
