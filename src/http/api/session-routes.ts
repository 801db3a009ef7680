import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { SessionStore } from '../../store/sessions';
import type { ApiToken, TokenStore } from '../../store/tokens';
import { HttpError } from '../errors';
import { errorSchema, jsonSchema } from '../openapi';
import { authenticatedToken, currentSession, SESSION_COOKIE } from './auth';
import { refundRateLimit } from './rate-limit';
import { parse } from './route';
import { tokenSchema } from './tokens-routes';

export interface SessionRoutesDeps {
  tokens: TokenStore;
  sessions: SessionStore;
  /** SWITCHYARD_SESSION_TTL in milliseconds. */
  ttlMs: number;
  /** PUBLIC_URL: an https one marks the cookie Secure even when a proxy does not say so. */
  publicUrl?: string;
  /** authenticate (bearer or cookie, with the CSRF check on writes), then the rate limit. */
  guards: RequestHandler[];
  /** The limit on failed sign-ins per client address (`rateLimitSignIn`), checked before the token is looked up. */
  signInLimit: RequestHandler;
  now?: () => Date;
}

const signInBody = z.strictObject({ token: z.string().min(1, { message: 'paste an API token (sy_…)' }) });

/** Who is signed in: the token (never its secret), its scopes, and for a session the CSRF token writes must send. */
function whoAmI(token: ApiToken, session?: { csrfToken: string; expiresAt: string }) {
  return {
    token,
    scopes: token.scopes,
    via: session ? ('session' as const) : ('bearer' as const),
    ...(session ? { csrfToken: session.csrfToken, expiresAt: session.expiresAt } : {}),
  };
}

const sessionAnswer = z.object({
  token: tokenSchema,
  scopes: tokenSchema.shape.scopes,
  via: z.enum(['session', 'bearer']),
  csrfToken: z.string().optional().describe('send it as X-CSRF-Token with every write made with the session cookie'),
  expiresAt: z.string().optional(),
});

const refused = (description: string) => ({ description, content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } } });

/** The session operations for the OpenAPI document (they are mounted outside the scoped route table: any valid token may sign in). */
export const sessionOpenApi: Record<string, Record<string, unknown>> = {
  '/api/v1/session': {
    post: {
      operationId: 'postApiV1Session',
      summary: 'Sign in to the console with an API token: sets the session cookie (HttpOnly, SameSite=Strict), answers the CSRF token',
      tags: ['session'],
      security: [],
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(signInBody, 'input') } } },
      responses: { '201': { description: 'signed in', content: { 'application/json': { schema: jsonSchema(sessionAnswer, 'output') } } }, '4XX': refused('401 unauthorized (unknown, revoked or expired token), 422 invalid_request, 429 rate_limited (too many failed sign-ins from this address; Retry-After)') },
    },
    get: {
      operationId: 'getApiV1Session',
      summary: 'Who is signed in (session cookie or bearer token) and with which scopes; the CSRF token for a session',
      tags: ['session'],
      responses: { '200': { description: 'the caller', content: { 'application/json': { schema: jsonSchema(sessionAnswer, 'output') } } }, '4XX': refused('401 unauthorized or session_invalid') },
    },
    delete: {
      operationId: 'deleteApiV1Session',
      summary: 'Sign out: ends the session and clears the cookie (needs X-CSRF-Token)',
      tags: ['session'],
      responses: { '204': { description: 'signed out' }, '4XX': refused('400 no_session (a bearer token), 401 session_invalid, 403 csrf_required or csrf_mismatch') },
    },
  },
};

/** What POST and GET /api/v1/session answer (the console imports this type). */
export type SessionAnswer = ReturnType<typeof whoAmI>;

/**
 * The console's sign-in: `POST /api/v1/session {token}` sets the session cookie (HttpOnly,
 * SameSite=Strict, Secure over https or behind a proxy that says so), `GET` says who and which
 * scopes, `DELETE` signs out. A session has its token's rights and ends when the token is revoked.
 */
export function sessionRoutes(deps: SessionRoutesDeps): Router {
  const now = () => deps.now?.() ?? new Date();
  const secure = (req: Request) => req.secure || Boolean(deps.publicUrl?.startsWith('https:'));
  const cookie = (req: Request, value: string, maxAgeSeconds: number) =>
    [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(secure(req) ? ['Secure'] : [])].join('; ');
  const router = Router();
  router.post('/api/v1/session', deps.signInLimit, express.json({ limit: '16kb' }), (req: Request, res: Response, next) => {
    const { token: secret } = parse(signInBody, req.body ?? {}, 'body');
    deps.tokens
      .authenticate(secret, now())
      .then(async (result) => {
        if (!result.ok) {
          const message = { unknown: 'this is not a valid API token', revoked: 'this API token was revoked', expired: 'this API token has expired; create or rotate a token' }[result.reason];
          throw new HttpError(401, 'unauthorized', message, { reason: result.reason });
        }
        // A successful sign-in does not count against the address's failures.
        await refundRateLimit(res);
        const { secret: sessionSecret, session } = await deps.sessions.create(result.token.id, deps.ttlMs, now());
        res.setHeader('Set-Cookie', cookie(req, sessionSecret, Math.floor(deps.ttlMs / 1000)));
        res.setHeader('Cache-Control', 'no-store');
        res.status(201).json(whoAmI(result.token, session));
      })
      .catch(next);
  });
  router.get('/api/v1/session', ...deps.guards, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(whoAmI(authenticatedToken(res), currentSession(res)));
  });
  router.delete('/api/v1/session', ...deps.guards, (req, res, next) => {
    const session = currentSession(res);
    if (!session) return next(new HttpError(400, 'no_session', 'this request came with a bearer token, not a session cookie: there is no session to end'));
    deps.sessions.remove(session.id).then(() => {
      res.setHeader('Set-Cookie', cookie(req, '', 0));
      res.status(204).end();
    }, next);
  });
  return router;
}
