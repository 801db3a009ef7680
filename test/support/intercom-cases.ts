import type { IntercomFake } from '../../sandbox/intercom-fake';
import type { ContractContext } from './connector-contract';

type Ctx = ContractContext<IntercomFake>;

/** How Intercom fails each way, shared by the Intercom contract suites. */
export const intercomCases = {
  rateLimited: { how: '429 rate_limit_exceeded waits for X-RateLimit-Reset', retryAfterSeconds: 2, nextRetryDelayMs: [1000, 3000] as [number, number] },
  authLost: {
    how: '401 token_revoked',
    arrange: ({ fake }: Ctx) => fake.revoke(),
    message: /401 from Intercom: Token revoked/,
    disconnect: { status: 401, message: /Token revoked/ },
  },
  planRestricted: {
    how: '403 api_plan_restricted',
    arrange: ({ fake }: Ctx) => fake.fail({ kind: 'respond', response: { status: 403, json: { type: 'error.list', errors: [{ code: 'api_plan_restricted', message: 'Active subscription needed.' }] } } }),
    message: '403 from Intercom: Active subscription needed.',
  },
};
