import type { RequestHandler, Response } from 'express';
import type { ApiScope } from '../../security/api-tokens';
import type { ApiToken, TokenStore } from '../../store/tokens';
import { HttpError } from '../errors';

const bearer = /^Bearer[ ]+([^\s]+)[ ]*$/i;

const challenge = { 'WWW-Authenticate': 'Bearer realm="switchyard"' };

/** `Authorization: Bearer <token>`; 401 for a missing, malformed, unknown, revoked or expired token. */
export function authenticate(tokens: TokenStore, now: () => Date = () => new Date()): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    if (!header) return next(new HttpError(401, 'unauthorized', 'missing Authorization header; send Authorization: Bearer <token>', undefined, challenge));
    const match = bearer.exec(header);
    if (!match) return next(new HttpError(401, 'unauthorized', 'malformed Authorization header; expected Bearer <token>', undefined, challenge));
    tokens.authenticate(match[1]!, now()).then((result) => {
      if (result.ok) {
        res.locals.apiToken = result.token;
        return next();
      }
      const message = {
        unknown: 'invalid API token',
        revoked: 'this API token was revoked',
        expired: 'this API token has expired; create or rotate a token',
      }[result.reason];
      next(new HttpError(401, 'unauthorized', message, { reason: result.reason }, challenge));
    }, next);
  };
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
