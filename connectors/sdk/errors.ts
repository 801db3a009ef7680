/** The five failure kinds of DESIGN §5; `activities/failure-mapping.ts` maps them to Temporal failures. */
export const failureKinds = ['retryable', 'rate_limited', 'auth_lost', 'invalid_input', 'fatal'] as const;
export type FailureKind = (typeof failureKinds)[number];

export interface ConnectorErrorOptions {
  /** HTTP status of the vendor response, when there was one. */
  status?: number;
  /** Machine-readable code: the vendor's error code, or ours (`blocked_destination`, `timeout`, ...). */
  code?: string;
  /** Field the vendor (or our validation) blamed, e.g. `email`. */
  field?: string;
  /** How long the vendor asked us to wait before retrying (rate_limited). */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A classified connector failure. Anything else thrown by an action is unclassified: retried up to the step's attempt limit, and logged. */
export class ConnectorError extends Error {
  readonly kind: FailureKind;
  readonly status?: number;
  readonly code?: string;
  readonly field?: string;
  readonly retryAfterMs?: number;

  constructor(kind: FailureKind, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.kind = kind;
    this.status = options.status;
    this.code = options.code;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError;
}

/** Thrown by a webhook source's `extract` when a verified delivery has the wrong shape (ingress answers 400). */
export class InvalidDeliveryError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDeliveryError';
  }
}
