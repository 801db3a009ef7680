import { createHash } from 'node:crypto';
import { InvalidDeliveryError } from '../sdk/errors';
import { signatureSchemes } from '../sdk/signatures/schemes';
import { defineWebhookSource } from './auth';

/** Dropbox's only notification: some linked accounts have changes to list (`/files/list_folder/continue`). */
const dropboxTopics = ['list_folder'] as const;

/**
 * Dropbox webhooks: a `GET ?challenge=<random>` when the URI is registered, echoed as text/plain
 * with `X-Content-Type-Options: nosniff` (no reflected XSS); then POSTs signed with
 * `X-Dropbox-Signature` (hex HMAC-SHA256 of the raw body, keyed with the app secret). A
 * notification has no id and a redelivery repeats its body, so the body's hash is the dedupe key.
 */
export const dropboxWebhookSource = defineWebhookSource({
  schemes: ['dropbox-sha256'],
  verify: (request, credentials) => signatureSchemes['dropbox-sha256'](request, credentials.clientSecret),
  challenge: {
    get(request) {
      const challenge = request.query?.challenge;
      if (!challenge) return undefined;
      return { contentType: 'text/plain', body: challenge, headers: { 'X-Content-Type-Options': 'nosniff' } };
    },
  },
  extract(request, body) {
    const n = body as { list_folder?: { accounts?: unknown } } | null;
    if (!n || typeof n !== 'object' || !Array.isArray(n.list_folder?.accounts)) throw new InvalidDeliveryError('a Dropbox notification needs list_folder.accounts (an array of account ids)');
    return [{ id: `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`, topic: 'list_folder', payload: body }];
  },
  topics: dropboxTopics,
});
