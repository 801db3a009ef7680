import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { HttpError } from '../errors';
import { defineRoute, type ApiRoute } from './route';

const identityHashBody = z.strictObject({ user_id: z.string().min(1).max(1000) });
const hashResponse = z.object({ user_hash: z.string() });

/** What the identity route answers, for clients (the CLI) that read it. */
export type UserHashAnswer = z.output<typeof hashResponse>;

/** Intercom's identity verification: hex HMAC-SHA256 of the user id with the identity secret. */
export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

export function identityRoutes(deps: { identitySecret?: string }): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/identity/hash',
      scope: 'identity:write',
      tag: 'identity',
      summary: 'user_hash for Intercom identity verification (HMAC-SHA256 of user_id with SWITCHYARD_IDENTITY_SECRET)',
      body: identityHashBody,
      response: hashResponse,
      handler: async ({ body }) => {
        if (!deps.identitySecret) {
          throw new HttpError(409, 'identity_secret_not_configured', 'no identity verification secret is configured; set SWITCHYARD_IDENTITY_SECRET');
        }
        return { status: 200, body: { user_hash: userHash(deps.identitySecret, body.user_id) } };
      },
    }),
  ];
}
