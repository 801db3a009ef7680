import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks: 24 to 64 bytes). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function secretBytes(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('webhook secrets start with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/** Intercom's scheme: `sha1=` + hex HMAC-SHA1 keyed with the secret string as the receiver holds it. */
export function hubSignature(secret: string, body: Buffer): string {
  return 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');
}

/** Standard Webhooks v1: base64 HMAC-SHA256 over `id.timestamp.body`, keyed with the decoded secret. */
export function standardSignature(secret: string, id: string, timestampSeconds: number, body: Buffer): string {
  const mac = createHmac('sha256', secretBytes(secret));
  mac.update(`${id}.${timestampSeconds}.`);
  mac.update(body);
  return 'v1,' + mac.digest('base64');
}

export interface SigningSecrets {
  current: string;
  /** The previous secret while its rotation window is open. */
  previous?: string;
}

/**
 * Headers for one attempt. `webhook-id` is the message id (constant across attempts);
 * `webhook-timestamp` and the signatures are fresh per attempt. During a rotation window the
 * Standard Webhooks header carries a signature for each secret; `X-Hub-Signature` has room for
 * one and uses the current secret.
 */
export function signatureHeaders(secrets: SigningSecrets, messageId: string, timestampSeconds: number, body: Buffer): Record<string, string> {
  if (messageId.includes('.')) throw new Error('a webhook-id must not contain "."');
  const signatures = [standardSignature(secrets.current, messageId, timestampSeconds, body)];
  if (secrets.previous) signatures.push(standardSignature(secrets.previous, messageId, timestampSeconds, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
    'x-hub-signature': hubSignature(secrets.current, body),
  };
}
