import { randomBytes } from 'node:crypto';
import { intercomSignature, signHub } from '../../connectors/sdk/signatures/hub-signature';
import { signStandardWebhook, standardWebhooksSecretPrefix } from '../../connectors/sdk/signatures/standard-webhooks';

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks: 24 to 64 bytes). */
export function generateSecret(): string {
  return standardWebhooksSecretPrefix + randomBytes(32).toString('base64');
}

export interface SigningSecrets {
  current: string;
  /** The previous secret while its rotation window is open. */
  previous?: string;
}

/**
 * Headers for one attempt, signed by the same scheme code that verifies inbound deliveries
 * (connectors/sdk/signatures). `webhook-id` is the message id (constant across attempts);
 * `webhook-timestamp` and the signatures are fresh per attempt. During a rotation window the
 * Standard Webhooks header carries a signature for each secret; `X-Hub-Signature` (Intercom's
 * sha1 scheme) has room for one and uses the current secret.
 */
export function signatureHeaders(secrets: SigningSecrets, messageId: string, timestampSeconds: number, body: Buffer): Record<string, string> {
  if (messageId.includes('.')) throw new Error('a webhook-id must not contain "."');
  const signatures = [secrets.current, ...(secrets.previous ? [secrets.previous] : [])].map((secret) => signStandardWebhook(secret, messageId, timestampSeconds, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
    'x-hub-signature': signHub(intercomSignature, secrets.current, body),
  };
}
