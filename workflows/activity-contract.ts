/**
 * The argument every connector activity receives. Activity type = "<connector>.<action>".
 * This shape is written into workflow histories: extend it only with optional fields.
 */
export interface ActionActivityInput {
  /** Step id from the plan; with the workflow id it forms the idempotency key. */
  stepId: string;
  /** Connection id (never credentials); null for connectors with auth kind "none". */
  connectionId: string | null;
  /** Input after template rendering. */
  input: unknown;
}

/** Failure types produced by activities (ApplicationFailure.type); listed as non-retryable in every retry policy. */
export const FailureType = {
  retryable: 'Retryable',
  rateLimited: 'RateLimited',
  authLost: 'AuthLost',
  invalidInput: 'InvalidInput',
  fatal: 'Fatal',
  connectionUnavailable: 'ConnectionUnavailable',
} as const;

export const nonRetryableFailureTypes = [FailureType.authLost, FailureType.invalidInput, FailureType.fatal, FailureType.connectionUnavailable];
