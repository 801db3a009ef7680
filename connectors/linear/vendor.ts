import { failureKinds, type FailureKind } from '../sdk/errors';
import type { StatusRule, VendorProfile } from '../sdk/types';

interface LinearGraphqlError {
  message?: string;
  path?: (string | number)[];
  extensions?: { code?: string; type?: string; userPresentableMessage?: string; userError?: boolean };
}

/** `extensions.code` (what the API sends) → kind. */
const kindByCode: Readonly<Record<string, FailureKind>> = {
  RATELIMITED: 'rate_limited',
  AUTHENTICATION_ERROR: 'auth_lost',
  INVALID_INPUT: 'invalid_input',
  GRAPHQL_VALIDATION_FAILED: 'invalid_input',
  BAD_USER_INPUT: 'invalid_input',
  FORBIDDEN: 'fatal',
  FEATURE_NOT_ACCESSIBLE: 'fatal',
  USAGE_LIMIT_EXCEEDED: 'fatal',
  INTERNAL_SERVER_ERROR: 'retryable',
  LOCK_TIMEOUT: 'retryable',
};

/** `extensions.type` (what Linear's own SDK parses, `packages/sdk/src/error.ts`) → kind, when there is no known code. */
const kindByType: Readonly<Record<string, FailureKind>> = {
  ratelimited: 'rate_limited',
  'authentication error': 'auth_lost',
  'invalid input': 'invalid_input',
  'user error': 'invalid_input',
  'graphql error': 'invalid_input',
  forbidden: 'fatal',
  'feature not accessible': 'fatal',
  'usage limit exceeded': 'fatal',
  'internal error': 'retryable',
  'lock timeout': 'retryable',
  'network error': 'retryable',
};

function firstError(body: unknown): LinearGraphqlError | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) && errors.length > 0 ? (errors[0] as LinearGraphqlError) : undefined;
}

/** The kind a GraphQL error body names, whatever HTTP status carried it (Linear sends them in 200s and 4xx alike). */
function linearErrorKind(body: unknown): FailureKind | undefined {
  const ext = firstError(body)?.extensions;
  if (!ext) return undefined;
  return (ext.code && kindByCode[ext.code]) || (ext.type && kindByType[ext.type.toLowerCase()]) || undefined;
}

function details(body: unknown): { message?: string; code?: string; field?: string } {
  const e = firstError(body);
  if (!e) return {};
  return { message: e.extensions?.userPresentableMessage ?? e.message, code: e.extensions?.code ?? e.extensions?.type };
}

/** A 4xx whose GraphQL error names its kind is classified by that kind; the defaults handle the rest. */
const rules: readonly StatusRule[] = failureKinds.map((kind) => ({ status: { from: 400, to: 499 }, kind, when: (body: unknown) => linearErrorKind(body) === kind }));

/** Linear GraphQL: errors in `errors[].extensions` (code and type), inside 200s as often as 4xx; 429s carry Retry-After. */
export const linearVendor: VendorProfile = {
  vendor: 'Linear',
  rules,
  errorDetails: details,
  inspect(response) {
    if (!firstError(response.body)) return undefined;
    const d = details(response.body);
    return { kind: linearErrorKind(response.body) ?? 'fatal', message: d.message ?? 'GraphQL error', code: d.code };
  },
};
