import { createHmac } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from './webhook-request';
import { constantTimeEqual, headerValue } from './constant-time';

/** HubSpot refuses nothing itself; its docs say to reject a request timestamp older than 5 minutes (we refuse 5 minutes ahead too). */
const hubspotToleranceMs = 300_000;

/** The characters HubSpot says to decode in the request URI before signing it (its "v3" validation guide). */
const decodedInUri: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

function signedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => decodedInUri[m.toUpperCase()]!);
}

/** `X-HubSpot-Signature-v3`: base64 HMAC-SHA256, keyed with the app's client secret, of method + URI + raw body + `X-HubSpot-Request-Timestamp` (ms). */
export function signHubSpotV3(clientSecret: string, method: string, uri: string, rawBody: Buffer | string, timestampMs: number | string): string {
  return createHmac('sha256', clientSecret).update(`${method}${signedUri(uri)}`).update(rawBody).update(String(timestampMs)).digest('base64');
}

/**
 * Verifies a HubSpot v3 signature over the method and URL the ingress was called with (the public
 * URL HubSpot posted to) and the raw bytes, in constant time, with the timestamp within ±5 minutes.
 */
export function verifyHubSpotV3(request: WebhookRequest, clientSecret: string | undefined, now: Date): VerifyResult {
  const fail = (reason: string, header = 'X-HubSpot-Signature-v3'): VerifyResult => ({ ok: false, reason, header });
  if (!clientSecret) return fail('the connection has no clientSecret to verify HubSpot signatures with');
  if (!request.method || !request.url) return fail('the ingress did not pass the request method and URL this scheme signs');
  const ts = headerValue(request.headers, 'X-HubSpot-Request-Timestamp');
  const sig = headerValue(request.headers, 'X-HubSpot-Signature-v3');
  if (!ts) return fail('missing X-HubSpot-Request-Timestamp header', 'X-HubSpot-Request-Timestamp');
  if (!sig) return fail('missing X-HubSpot-Signature-v3 header');
  if (!/^\d+$/.test(ts)) return fail('X-HubSpot-Request-Timestamp must be ms since the epoch', 'X-HubSpot-Request-Timestamp');
  if (Math.abs(now.getTime() - Number(ts)) > hubspotToleranceMs) return fail('X-HubSpot-Request-Timestamp is more than 5 minutes from now', 'X-HubSpot-Request-Timestamp');
  const expected = Buffer.from(signHubSpotV3(clientSecret, request.method.toUpperCase(), request.url, request.rawBody, ts), 'base64');
  return constantTimeEqual(Buffer.from(sig.trim(), 'base64'), expected) ? { ok: true } : fail('X-HubSpot-Signature-v3 does not match the method, URL, body and timestamp');
}
