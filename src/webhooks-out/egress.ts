import type { HttpResponse } from '../../connectors/sdk/http-types';

/**
 * What outgoing webhooks need from the network: one POST through the connectors' HTTP client
 * (one SSRF policy, checked at connect time), never following redirects. Failures are the
 * client's `ConnectorError`s: code `blocked_destination`, `timeout`, or a network code.
 */
export interface WebhookEgress {
  /** Resolves the URL's host and rejects with `BlockedDestinationError` if any address is not allowed. */
  checkUrl(url: string): Promise<void>;
  post(request: EgressRequest): Promise<HttpResponse>;
}

export interface EgressRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  /** Read at most this much of the response body (the rest is discarded). */
  maxResponseBytes: number;
}
