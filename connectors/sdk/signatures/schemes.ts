import type { VerifyResult, WebhookRequest } from './webhook-request';
import { tokenMatches } from './constant-time';
import { dropboxSignature, githubSignature, intercomSignature, linearSignature, verifyHubSignature } from './hub-signature';
import { verifyHubSpotV3 } from './hubspot-signature';
import { verifyStandardWebhook } from './standard-webhooks';
import { verifyHttpBasic } from './http-basic';
import { verifyZoomSignature } from './zoom-signature';

/**
 * The inbound verification schemes the engine knows. A webhook source declares which of them it
 * uses (`WebhookSourceDefinition.schemes`); the registry refuses a source that declares none or
 * an unknown one, so no source can accept deliveries without a verifier.
 */
export const signatureSchemes = {
  /** `X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, raw body)>` (Intercom). */
  'hub-sha1': (request: WebhookRequest, secret: string | undefined): VerifyResult => verifyHubSignature(intercomSignature, request, secret),
  /** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>` (GitHub and many others). */
  'hub-sha256': (request: WebhookRequest, secret: string | undefined): VerifyResult => verifyHubSignature(githubSignature, request, secret),
  /** `Linear-Signature: <hex HMAC-SHA256(secret, raw body)>` (bare hex; the source also checks `webhookTimestamp`). */
  'linear-sha256': (request: WebhookRequest, secret: string | undefined): VerifyResult => verifyHubSignature(linearSignature, request, secret),
  /** `X-Dropbox-Signature: <hex HMAC-SHA256(app secret, raw body)>` (Dropbox). */
  'dropbox-sha256': (request: WebhookRequest, secret: string | undefined): VerifyResult => verifyHubSignature(dropboxSignature, request, secret),
  /** `x-zm-signature: v0=<hex HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{raw body}")>`, ±300 s (Zoom). */
  'zoom-v0': (request: WebhookRequest, secret: string | undefined, now: Date): VerifyResult => verifyZoomSignature(request, secret, now),
  /** `X-HubSpot-Signature-v3: <base64 HMAC-SHA256(client secret, method + URI + body + X-HubSpot-Request-Timestamp)>`, ±5 min (HubSpot). */
  'hubspot-v3': (request: WebhookRequest, secret: string | undefined, now: Date): VerifyResult => verifyHubSpotV3(request, secret, now),
  /** `webhook-id` / `webhook-timestamp` / `webhook-signature: v1,<base64>` with ±300 s tolerance. */
  'standard-webhooks': (request: WebhookRequest, secret: string | undefined, now: Date): VerifyResult =>
    secret ? verifyStandardWebhook(request, secret, now) : { ok: false, reason: 'the connection has no signing secret configured', header: 'webhook-signature' },
  /** `Authorization: Basic <base64 user:password>` chosen when the subscription was made (Pipedrive); the secret is `user:password`. */
  'http-basic': (request: WebhookRequest, secret: string | undefined): VerifyResult => verifyHttpBasic(request, secret),
  /** Unsigned senders: `/hooks/<connection>/<token>`, the token compared in constant time. */
  'path-token': (request: WebhookRequest, token: string | undefined): VerifyResult => {
    if (!token) return { ok: false, reason: 'the connection has no inbound token configured' };
    if (!request.pathToken) return { ok: false, reason: 'missing token: POST to /hooks/<connection>/<token>' };
    return tokenMatches(request.pathToken, token) ? { ok: true } : { ok: false, reason: 'token does not match' };
  },
} as const satisfies Record<string, (request: WebhookRequest, secret: string | undefined, now: Date) => VerifyResult>;

export type SignatureSchemeId = keyof typeof signatureSchemes;

/** What a sender must send for each scheme (the connector catalog shows it): the headers read, in order. */
export const signatureSchemeHeaders: Record<SignatureSchemeId, { headers: readonly string[]; description: string }> = {
  'hub-sha1': { headers: [intercomSignature.header], description: 'sha1=<hex HMAC-SHA1 of the raw body> (Intercom)' },
  'hub-sha256': { headers: [githubSignature.header], description: 'sha256=<hex HMAC-SHA256 of the raw body> (GitHub-style)' },
  'linear-sha256': { headers: [linearSignature.header], description: '<hex HMAC-SHA256 of the raw body>, body webhookTimestamp within 60 s (Linear)' },
  'dropbox-sha256': { headers: [dropboxSignature.header], description: '<hex HMAC-SHA256 of the raw body with the app secret> (Dropbox); GET ?challenge= is echoed' },
  'zoom-v0': {
    headers: ['x-zm-request-timestamp', 'x-zm-signature'],
    description: 'v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw body}"> with the secret token, timestamp within ±300 s (Zoom); endpoint.url_validation is answered',
  },
  'hubspot-v3': {
    headers: ['X-HubSpot-Request-Timestamp', 'X-HubSpot-Signature-v3'],
    description: '<base64 HMAC-SHA256 of method + URI + body + timestamp> with the app client secret, timestamp (ms) within ±5 min (HubSpot)',
  },
  'standard-webhooks': { headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'], description: 'Standard Webhooks: v1,<base64 HMAC-SHA256 of id.timestamp.body>, timestamp within ±300 s' },
  'http-basic': { headers: ['Authorization'], description: 'HTTP Basic credentials set on the subscription (Pipedrive webhooks)' },
  'path-token': { headers: [], description: 'unsigned: the URL carries the token, POST /hooks/<connection>/<token>' },
};

export function isSignatureScheme(id: string): id is SignatureSchemeId {
  return Object.hasOwn(signatureSchemes, id);
}
