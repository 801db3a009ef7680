/**
 * Why the engine refuses a request, in the engine's words: the engine and its services never know
 * HTTP statuses. `src/http/errors.ts` turns the reason into a status, in one table.
 * `invalid`: the request names something wrong (a field); `rejected`: what it carries cannot be
 * used (an OAuth state unknown, expired or used; an authorization code the vendor refused).
 */
export type RefusalReason = 'not_found' | 'conflict' | 'invalid' | 'rejected';

export class Refusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    /** Machine-readable, answered as `error.code`. */
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
