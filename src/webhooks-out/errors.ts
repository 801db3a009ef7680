import { Refusal, type RefusalReason } from '../refusal';

export type WebhooksOutErrorCode = 'not_found' | 'invalid_url' | 'invalid_topic' | 'blocked_destination' | 'conflict' | 'subscription_disabled';

const reasonOf: Record<WebhooksOutErrorCode, RefusalReason> = {
  not_found: 'not_found',
  invalid_url: 'invalid',
  invalid_topic: 'invalid',
  blocked_destination: 'invalid',
  conflict: 'conflict',
  subscription_disabled: 'conflict',
};

/** A rejection the caller can act on. */
export class WebhooksOutError extends Refusal {
  override name = 'WebhooksOutError';
  constructor(
    override readonly code: WebhooksOutErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(reasonOf[code], code, message, details);
  }
}
