import type { Dispatcher } from 'undici';
import { checkDestination } from '../../connectors/sdk/guarded-agent';
import { createHttpClient } from '../../connectors/sdk/http';
import { blockedDestination } from '../../connectors/sdk/ssrf';
import type { VendorProfile } from '../../connectors/sdk/types';
import type { EgressRequest, WebhookEgress } from './egress';
import { validateSubscriptionUrl } from './subscription-url';

/** Receivers' answers are returned as they are (`allowErrorStatus`), so no status rules apply. */
const receiver: VendorProfile = { vendor: 'webhook receiver' };

/**
 * Outgoing webhooks over the connectors' HTTP client and its SSRF-guarded agent (every resolved
 * address checked at connect time, IP literals too). Redirects are never followed: a 3xx is
 * returned as is, and the subscriber is told to update the URL.
 */
export function guardedWebhookEgress(opts: { egressAllow: readonly string[]; dispatcher?: Dispatcher }): WebhookEgress {
  const client = createHttpClient({ vendor: receiver, egressAllow: opts.egressAllow, ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}) });
  return {
    checkUrl: (value) => checkDestination(validateSubscriptionUrl(value), opts.egressAllow),
    post: (req: EgressRequest) =>
      client.request({
        method: 'POST',
        url: urlOrBlocked(req.url).href,
        headers: req.headers,
        body: req.body,
        timeoutMs: req.timeoutMs,
        auth: false,
        allowErrorStatus: true,
        redirect: 'manual',
        maxResponseBytes: req.maxResponseBytes,
        truncateResponse: true,
      }),
  };
}

/** A stored URL that no longer passes the subscription rules is refused like a blocked address. */
function urlOrBlocked(value: string): URL {
  try {
    return validateSubscriptionUrl(value);
  } catch (err) {
    throw blockedDestination('the subscription URL', err instanceof Error ? err.message : String(err));
  }
}
