import { randomBytes } from 'node:crypto';
import type { Handler } from './fake-server';

/** What a Google API fake shares with its token endpoint: issued tokens and a request count. */
export interface GoogleTokenState {
  readonly accessTokens: Map<string, number>;
  readonly refreshTokens: Set<string>;
  tokenRequests: number;
}

/**
 * Google's OAuth2 token endpoint (`https://oauth2.googleapis.com/token`), refresh_token grant only:
 * a new one-hour access token per refresh; a revoked refresh token answers 400 `invalid_grant`.
 */
export function googleTokenEndpoint(state: GoogleTokenState, scope: string): Handler {
  return (req) => {
    state.tokenRequests++;
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.grant_type !== 'refresh_token' || !b.refresh_token) return { status: 400, json: { error: 'unsupported_grant_type' } };
    if (!state.refreshTokens.has(b.refresh_token)) return { status: 400, json: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    const token = `ya29.${randomBytes(6).toString('hex')}`;
    state.accessTokens.set(token, Date.now() + 3600_000);
    return { status: 200, json: { access_token: token, expires_in: 3599, token_type: 'Bearer', scope } };
  };
}
