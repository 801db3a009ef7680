/**
 * What outgoing webhooks need from the network: one POST, never following redirects, with
 * every destination address checked against the SSRF guard at connect time.
 */
export interface WebhookEgress {
  /** Resolves the URL's host and rejects with `BlockedDestinationError` if any address is not allowed. */
  checkUrl(url: string): Promise<void>;
  post(request: EgressRequest): Promise<EgressResponse>;
}

export interface EgressRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  /** Read at most this much of the response body (the rest is discarded). */
  maxResponseBytes: number;
}

export interface EgressResponse {
  status: number;
  headers: Record<string, string>;
  /** At most `maxResponseBytes`. */
  body: Buffer;
}

/** The destination is not allowed (private, loopback, metadata, bad scheme...). Nothing was sent. */
export class BlockedDestinationError extends Error {
  override name = 'BlockedDestinationError';
  readonly code = 'blocked_destination';
}

/** No response within the timeout. */
export class EgressTimeoutError extends Error {
  override name = 'EgressTimeoutError';
}
