import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { ApiScope } from '../../security/scopes';
import type { ConsoleSession, SessionStore } from '../../store/sessions';
import type { ApiToken, TokenStore } from '../../store/tokens';
import { HttpError } from '../errors';

const bearer = /^Bearer[ ]+([^\s]+)[ ]*$/i;

const challenge = { 'WWW-Authenticate': 'Bearer realm="switchyard"' };

/** The console's session cookie (HttpOnly, SameSite=Strict; see session-routes.ts). */
export const SESSION_COOKIE = 'switchyard_session';

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const tokenRefusals = {
  unknown: 'invalid API token',
  revoked: 'this API token was revoked',
  expired: 'this API token has expired; create or rotate a token',
};

/** The session cookie's value, when the request carries one. */
function sessionCookie(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
  }
  return undefined;
}

/**
 * `Authorization: Bearer <token>`, or the console's session cookie (then every write needs the
 * session's `X-CSRF-Token`); 401 for a missing, malformed, unknown, revoked or expired token or
 * session, 403 for a write without the right CSRF token.
 */
export function authenticate(tokens: TokenStore, now: () => Date = () => new Date(), sessions?: SessionStore): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    const cookie = sessions && !header ? sessionCookie(req) : undefined;
    if (sessions && cookie) {
      viaSession(tokens, sessions, cookie, req, now()).then((found) => {
        res.locals.apiToken = found.token;
        res.locals.session = found.session;
        next();
      }, next);
      return;
    }
    if (!header) return next(new HttpError(401, 'unauthorized', `missing Authorization header; send Authorization: Bearer <token>${sessions ? ' or sign in (POST /api/v1/session)' : ''}`, undefined, challenge));
    const match = bearer.exec(header);
    if (!match) return next(new HttpError(401, 'unauthorized', 'malformed Authorization header; expected Bearer <token>', undefined, challenge));
    tokens.authenticate(match[1]!, now()).then((result) => {
      if (result.ok) {
        res.locals.apiToken = result.token;
        return next();
      }
      next(new HttpError(401, 'unauthorized', tokenRefusals[result.reason], { reason: result.reason }, challenge));
    }, next);
  };
}

async function viaSession(tokens: TokenStore, sessions: SessionStore, secret: string, req: Request, at: Date): Promise<{ token: ApiToken; session: ConsoleSession }> {
  const found = await sessions.find(secret, at);
  if (!found.ok) {
    const message = found.reason === 'expired' ? 'the console session has expired; sign in again' : 'unknown console session (signed out, or the server forgot it); sign in again';
    throw new HttpError(401, 'session_invalid', message, { reason: found.reason });
  }
  const token = await tokens.check(found.session.tokenId, at);
  if (!token.ok) {
    await sessions.remove(found.session.id);
    throw new HttpError(401, 'session_invalid', `the session ended: ${tokenRefusals[token.reason]}`, { reason: `token_${token.reason}` });
  }
  if (writeMethods.has(req.method)) {
    const csrf = req.get('x-csrf-token');
    if (!csrf) throw new HttpError(403, 'csrf_required', `a ${req.method} with the session cookie needs the X-CSRF-Token header (from POST or GET /api/v1/session)`, { header: 'x-csrf-token' });
    if (!sameText(csrf, found.session.csrfToken)) throw new HttpError(403, 'csrf_mismatch', "the X-CSRF-Token header does not match this session's token; read it again from GET /api/v1/session", { header: 'x-csrf-token' });
  }
  return { token: token.token, session: found.session };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 403 naming the scope the route needs when the token does not hold it. */
export function requireScope(scope: ApiScope): RequestHandler {
  return (_req, res, next) => {
    const token = authenticatedToken(res);
    if (token.scopes.includes(scope)) return next();
    next(new HttpError(403, 'insufficient_scope', `this request needs the scope ${scope}; the token has ${token.scopes.join(', ') || 'no scopes'}`, { required: scope, granted: token.scopes }));
  };
}

export function authenticatedToken(res: Response): ApiToken {
  const token = res.locals.apiToken as ApiToken | undefined;
  if (!token) throw new Error('authenticate() must run before this handler');
  return token;
}

/** The console session the request came with, if it came with one rather than a bearer token. */
export function currentSession(res: Response): ConsoleSession | undefined {
  return res.locals.session as ConsoleSession | undefined;
}
