/**
 * The argument every connector activity receives. Activity type = "<connector>.<action>".
 * This shape is written into workflow histories: extend it only with optional fields.
 */
export interface ActionActivityInput {
  /** Step key from the plan (`id` or `id[iteration]`); with the run id it forms the idempotency key. */
  stepId: string;
  /** Connection id (never credentials); null for connectors with auth kind "none". */
  connectionId: string | null;
  /** Input after template rendering. */
  input: unknown;
  /**
   * The run whose id forms the step key (idempotency key, side-effect ledger) instead of this
   * workflow's: a retry from the failed step keeps the failed run's, so its steps find the effects
   * of their earlier attempts. Absent: this workflow's id.
   */
  keyRun?: string;
  /**
   * 1: answer with an `ActionActivityResult` (output + attempt). Absent: answer with the plain
   * output, as activities did before, for runs whose history was recorded without it.
   */
  resultEnvelope?: 1;
}

/** What an action activity answers when asked for `resultEnvelope: 1`. */
export interface ActionActivityResult {
  switchyardResult: 1;
  output: unknown;
  /** The attempt that succeeded (1-based). */
  attempt: number;
}

/** An activity worker older than `resultEnvelope` (mid-deploy) answers with the plain output: tell them apart. */
export function isActionActivityResult(value: unknown): value is ActionActivityResult {
  return typeof value === 'object' && value !== null && (value as { switchyardResult?: unknown }).switchyardResult === 1 && typeof (value as { attempt?: unknown }).attempt === 'number';
}

/** Failure types produced by activities (ApplicationFailure.type); listed as non-retryable in every retry policy. */
export const FailureType = {
  retryable: 'Retryable',
  rateLimited: 'RateLimited',
  authLost: 'AuthLost',
  invalidInput: 'InvalidInput',
  fatal: 'Fatal',
  connectionUnavailable: 'ConnectionUnavailable',
  /**
   * The store did not answer while the activity resolved its connection, before any vendor call.
   * Non-retryable for Temporal (so it spends none of the step's attempts): the workflow waits and
   * calls the activity again (temporal-runtime.ts).
   */
  storeUnavailable: 'StoreUnavailable',
} as const;

export const nonRetryableFailureTypes: readonly string[] = [FailureType.authLost, FailureType.invalidInput, FailureType.fatal, FailureType.connectionUnavailable];
