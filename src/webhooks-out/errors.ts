export type WebhooksOutErrorCode = 'not_found' | 'invalid_url' | 'blocked_destination' | 'conflict' | 'subscription_disabled';

/** A rejection the caller can act on; the API maps `code` to a status. */
export class WebhooksOutError extends Error {
  override name = 'WebhooksOutError';
  constructor(
    readonly code: WebhooksOutErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
