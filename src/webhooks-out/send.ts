import { performance } from 'node:perf_hooks';
import { retryAfterMs } from '../../connectors/sdk/classify';
import { isConnectorError } from '../../connectors/sdk/errors';
import { blockedDestinationCode } from '../../connectors/sdk/ssrf';
import { formatDuration } from '../../workflows/duration';
import type { WebhookEgress } from './egress';

/** 2xx within this counts as delivered. */
const DELIVERY_TIMEOUT_MS = 15_000;
const RESPONSE_SNIPPET_BYTES = 1024;
export const USER_AGENT = 'Switchyard-Webhooks/1';

export interface SendResult {
  statusCode?: number;
  retryAfterMs?: number;
  latencyMs: number;
  /** ≤ 1 KB of the response body; absent for blocked destinations. */
  snippet?: string;
  error?: string;
  blocked?: boolean;
}

/** POST once (a delivery attempt or a test ping); never throws for what the receiver or the guard did. */
export async function send(egress: WebhookEgress, url: string, headers: Record<string, string>, body: Buffer, wallNow: () => number = Date.now): Promise<SendResult> {
  const started = performance.now();
  try {
    const res = await egress.post({ url, headers, body, timeoutMs: DELIVERY_TIMEOUT_MS, maxResponseBytes: RESPONSE_SNIPPET_BYTES });
    const latencyMs = performance.now() - started;
    const retryAfter = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers, wallNow()) : undefined;
    const error = res.status >= 300 && res.status < 400 ? `redirect ${res.status} not followed; update the subscription URL` : undefined;
    return {
      statusCode: res.status,
      latencyMs,
      snippet: res.text,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
      ...(error ? { error } : {}),
    };
  } catch (err) {
    const latencyMs = performance.now() - started;
    const code = isConnectorError(err) ? err.code : undefined;
    // The client's blocked message already starts with "blocked_destination:".
    if (code === blockedDestinationCode) return { latencyMs, error: (err as Error).message, blocked: true };
    if (code === 'timeout') return { latencyMs, error: `timeout: no response within ${formatDuration(DELIVERY_TIMEOUT_MS)}` };
    return { latencyMs, error: `network: ${err instanceof Error ? err.message : String(err)}` };
  }
}
