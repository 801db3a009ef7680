import { z } from 'zod';
import { apiScopes, type ApiScope } from '../../security/scopes';
import type { ApiToken, TokenStore } from '../../store/tokens';
import { HttpError } from '../errors';
import { durationMs } from '../../recipe/duration';
import { defineRoute, type ApiRoute } from './route';

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the secret, for recognising it'),
  scopes: z.array(z.enum(apiScopes)),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  previousValidUntil: z.string().nullable(),
});

const issuedSchema = z.object({ token: tokenSchema, secret: z.string().describe('shown once; store it now') });

const createTokenBody = z
  .strictObject({
    name: z.string().min(1).max(200),
    scopes: z.array(z.enum(apiScopes)).min(1),
    expiresIn: durationMs({ positive: true }).optional().describe('e.g. 90d; rotating every 90 days is recommended'),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => !(b.expiresIn && b.expiresAt), { message: 'give expiresIn or expiresAt, not both', path: ['expiresAt'] });

const rotateTokenBody = z.strictObject({
  gracePeriod: durationMs({ positive: true }).optional().describe('how long the old secret stays valid; default from SWITCHYARD_TOKEN_ROTATION_GRACE'),
});

export interface TokenRoutesDeps {
  tokens: TokenStore;
  rotationGraceMs: number;
  now?: () => Date;
}

/** Least privilege: a token hands out (by creating or rotating a token) only scopes it holds itself. */
function requireHeld(caller: ApiToken, scopes: readonly ApiScope[], what: string): void {
  const missing = [...new Set(scopes)].filter((s) => !caller.scopes.includes(s));
  if (missing.length > 0) {
    throw new HttpError(403, 'insufficient_scope', `${what} needs the scopes it would grant; this token lacks ${missing.join(', ')}`, { missing, granted: caller.scopes });
  }
}

export function tokenRoutes(deps: TokenRoutesDeps): ApiRoute[] {
  const now = () => deps.now?.() ?? new Date();
  const mustGet = async (id: string) => {
    const token = await deps.tokens.get(id);
    if (!token) throw new HttpError(404, 'unknown_token', `no API token with id ${id}`, { id });
    return token;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/tokens',
      scope: 'tokens:admin',
      tag: 'tokens',
      summary: 'List API tokens (never their secrets)',
      response: z.object({ tokens: z.array(tokenSchema) }),
      handler: async () => ({ status: 200, body: { tokens: await deps.tokens.list() } }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tokens',
      scope: 'tokens:admin',
      tag: 'tokens',
      summary: 'Create a token with scopes the calling token holds itself; the secret is in this response only',
      body: createTokenBody,
      response: issuedSchema,
      successStatus: 201,
      handler: async ({ body, token }) => {
        requireHeld(token, body.scopes, 'creating this token');
        const at = now();
        const expiresAt = body.expiresIn ? new Date(at.getTime() + body.expiresIn) : body.expiresAt ? new Date(body.expiresAt) : null;
        if (expiresAt && expiresAt <= at) throw new HttpError(422, 'invalid_request', 'body.expiresAt: must be in the future', { issues: [{ path: 'body.expiresAt', message: 'must be in the future' }] });
        const issued = await deps.tokens.create({ name: body.name, scopes: body.scopes, expiresAt }, at);
        return { status: 201, body: issued };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/tokens/:id',
      scope: 'tokens:admin',
      tag: 'tokens',
      summary: 'One API token',
      response: tokenSchema,
      handler: async ({ params }) => ({ status: 200, body: await mustGet(params.id!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tokens/:id/rotate',
      scope: 'tokens:admin',
      tag: 'tokens',
      summary: 'New secret for a token whose scopes the calling token holds; the old one stays valid for a grace period',
      body: rotateTokenBody,
      response: issuedSchema,
      handler: async ({ params, body, token: caller }) => {
        const token = await mustGet(params.id!);
        requireHeld(caller, token.scopes, `rotating token ${token.id}`);
        if (token.revokedAt) throw new HttpError(409, 'token_revoked', `token ${token.id} was revoked; create a new one`);
        const issued = await deps.tokens.rotate(token.id, body.gracePeriod ?? deps.rotationGraceMs, now());
        return { status: 200, body: issued };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/tokens/:id',
      scope: 'tokens:admin',
      tag: 'tokens',
      summary: 'Revoke a token (immediately, including a rotated-out secret)',
      successStatus: 204,
      handler: async ({ params }) => {
        if (!(await deps.tokens.revoke(params.id!, now()))) throw new HttpError(404, 'unknown_token', `no API token with id ${params.id}`, { id: params.id });
        return { status: 204 };
      },
    }),
  ];
}
