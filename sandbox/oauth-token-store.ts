import { randomBytes } from 'node:crypto';
import { bearerToken, type FakeRequest, type Handler } from './fake-server';

/** How a vendor's token endpoint answers a refresh: the new token's prefix and lifetime, the client it checks, the words of its refusals. */
export interface TokenGrant {
  /** Prefix of a new access token (`ya29.`, `sl.`). */
  prefix: string;
  expiresInSeconds: number;
  /** Fields the vendor adds to a token answer besides `access_token` and `expires_in`. */
  answer: Record<string, unknown>;
  /** The app's client id and secret, when the endpoint checks them (Dropbox does; the Google fakes do not). */
  client?: { id: string; secret: string };
  /** `error_description` of `invalid_grant` for an unknown or revoked refresh token. */
  revoked: string;
}

/**
 * The OAuth2 tokens a vendor fake issued and accepts (Dropbox, Google Drive, Google Sheets): the
 * access tokens with their expiry, the refresh tokens, and how many token requests it answered.
 * It starts (and `reset` returns it) with one valid access token and one refresh token.
 */
export class OAuthTokenStore {
  readonly accessTokens = new Map<string, number>();
  readonly refreshTokens = new Set<string>();
  requests = 0;

  constructor(private readonly initial: { accessToken: string; refreshToken: string; lifetimeMs: number }) {
    this.reset();
  }

  /** Back to the initial tokens and no requests counted (a contract test's `resetFake`). */
  reset(): void {
    this.revoke();
    this.accessTokens.set(this.initial.accessToken, Date.now() + this.initial.lifetimeMs);
    this.refreshTokens.add(this.initial.refreshToken);
    this.requests = 0;
  }

  /** Revokes every access and refresh token (the user removed the app's access). */
  revoke(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** What the request's bearer token is to this store. */
  check(req: FakeRequest): 'valid' | 'expired' | 'unknown' {
    const token = bearerToken(req);
    const expires = token ? this.accessTokens.get(token) : undefined;
    if (expires === undefined) return 'unknown';
    return expires < Date.now() ? 'expired' : 'valid';
  }

  /**
   * The vendor's token endpoint, refresh_token grant only: a new access token per refresh (the
   * refresh token stays valid); a revoked or unknown refresh token answers 400 `invalid_grant`.
   */
  endpoint(grant: TokenGrant): Handler {
    return (req) => {
      this.requests++;
      const b = (req.body ?? {}) as Record<string, string>;
      if (grant.client && (b.client_id !== grant.client.id || b.client_secret !== grant.client.secret)) {
        return { status: 400, json: { error: 'invalid_client', error_description: 'Invalid client_id or client_secret' } };
      }
      if (b.grant_type !== 'refresh_token') return { status: 400, json: { error: 'unsupported_grant_type', error_description: `unsupported grant_type: ${b.grant_type}` } };
      if (!b.refresh_token || !this.refreshTokens.has(b.refresh_token)) return { status: 400, json: { error: 'invalid_grant', error_description: grant.revoked } };
      const token = `${grant.prefix}${randomBytes(8).toString('hex')}`;
      this.accessTokens.set(token, Date.now() + grant.expiresInSeconds * 1000);
      return { status: 200, json: { access_token: token, expires_in: grant.expiresInSeconds, ...grant.answer } };
    };
  }
}

/** Google's token endpoint (`https://oauth2.googleapis.com/token`) for one API's scope: one-hour tokens. */
export function googleGrant(scope: string): TokenGrant {
  return { prefix: 'ya29.', expiresInSeconds: 3599, answer: { token_type: 'Bearer', scope }, revoked: 'Token has been expired or revoked.' };
}
