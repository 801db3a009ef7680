/**
 * Why the engine refuses a request, in the engine's words: the engine and its services never know
 * HTTP statuses. `src/http/errors.ts` turns the reason into a status, in one table.
 */
export type RefusalReason = 'not_found' | 'conflict' | 'invalid';

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
