import { createHash, randomBytes } from 'node:crypto';
import { basicCredentials, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

/** The OAuth app registered with the vendor: what `/authorize` and `/token` check. */
export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** Compared exactly (RFC 6749 §3.1.2.3 / OAuth 2.0 Security BCP): no prefix or pattern match. */
  redirectUri: string;
}

/** A vendor's token answer for a new grant, minus the refresh token (the server adds it): `access_token` and the vendor's own fields. */
export type IssuedTokens = { access_token: string; expires_in?: number } & Record<string, unknown>;

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  /** Refresh tokens issued for this code: revoked if the code is presented again (RFC 6749 §4.1.2). */
  refreshTokens: string[];
}

const error = (status: number, code: string, description: string, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  json: { error: code, error_description: description },
  headers: { 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
});

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const verifierShape = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * A vendor's OAuth 2.0 authorization server (RFC 6749 authorization-code grant with PKCE, RFC 7636),
 * for tests and sandbox apps:
 *
 * - `GET /authorize?response_type=code&client_id&redirect_uri&scope&state&code_challenge&code_challenge_method=S256`:
 *   an unknown `client_id` or a `redirect_uri` that is not exactly the registered one is answered
 *   400 here (never redirected, §4.1.2.1); otherwise the person's decision is redirected (302) to
 *   the redirect URI with `state` echoed: `?code=…` (single use, 60 s) or `?error=access_denied`.
 *   `response_type` other than `code` is `unsupported_response_type`; a missing challenge or a method
 *   other than `S256` is `invalid_request` (PKCE is required). The decision is `consent` (a test
 *   control, default `approve`), or the query flag `consent=approve|deny` when the request has one.
 * - `POST /token` (form, client by `client_id`/`client_secret` fields or HTTP Basic): RFC 6749 §5.2
 *   error JSON — `invalid_client` (401) for an unknown client or wrong secret; `invalid_grant` (400)
 *   for an unknown, expired or reused code (a reuse also revokes the refresh tokens that code gave),
 *   a redirect URI or client other than the code's, or a `code_verifier` whose S256 is not the
 *   challenge; `unsupported_grant_type` otherwise. `refresh_token` grants give a new access token.
 *   Access tokens (and the vendor's fields, e.g. Salesforce's `instance_url`) come from `issue`, so
 *   the vendor fake that will be called accepts them.
 */
export class OAuthAuthorizationServer extends FakeServer {
  /** What the "person" answers on the consent page when the request carries no `consent` flag. */
  consent: 'approve' | 'deny' = 'approve';
  codeLifetimeMs = 60_000;
  readonly codes = new Map<string, IssuedCode>();
  readonly refreshTokens = new Map<string, { clientId: string; scope: string }>();
  tokenRequests = 0;

  constructor(
    readonly client: RegisteredClient,
    private readonly issue: (scope: string) => IssuedTokens,
  ) {
    super({
      forms: true,
      failures: {
        serverError: () => error(500, 'server_error', 'The authorization server encountered an unexpected condition'),
        rateLimited: (seconds) => ({ ...error(429, 'temporarily_unavailable', 'Too many requests'), headers: { 'retry-after': String(seconds) } }),
        unauthorized: () => error(401, 'invalid_client', 'Client authentication failed'),
      },
    });
    this.route('GET', '/authorize', (req) => this.authorize(req));
    this.route('POST', '/token', (req) => this.token(req));
  }

  get authorizeUrl(): string {
    return `${this.url}/authorize`;
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  private authorize(req: FakeRequest): FakeResponse {
    const q = req.query;
    if (q.get('client_id') !== this.client.clientId) return { status: 400, text: `invalid_client: unknown client_id ${q.get('client_id') ?? '(none)'}` };
    const redirectUri = q.get('redirect_uri');
    if (redirectUri !== this.client.redirectUri) return { status: 400, text: `invalid_request: redirect_uri ${redirectUri ?? '(none)'} is not the one registered for this client` };
    const back = (params: Record<string, string>): FakeResponse => {
      const target = new URL(redirectUri);
      for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
      const state = q.get('state');
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString(), 'cache-control': 'no-store' } };
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
    const challenge = q.get('code_challenge');
    if (!challenge || q.get('code_challenge_method') !== 'S256') return back({ error: 'invalid_request', error_description: 'PKCE is required: code_challenge with code_challenge_method=S256' });
    const decision = q.get('consent') ?? this.consent;
    if (decision === 'deny') return back({ error: 'access_denied', error_description: 'The user denied the request' });
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { clientId: this.client.clientId, redirectUri, codeChallenge: challenge, scope: q.get('scope') ?? '', expiresAt: Date.now() + this.codeLifetimeMs, used: false, refreshTokens: [] });
    return back({ code });
  }

  private token(req: FakeRequest): FakeResponse {
    this.tokenRequests++;
    const b = (req.body ?? {}) as Record<string, string>;
    const basic = basicCredentials(req);
    const clientId = basic?.user ?? b.client_id;
    const clientSecret = basic?.password ?? b.client_secret;
    if (clientId !== this.client.clientId || clientSecret !== this.client.clientSecret) {
      return error(401, 'invalid_client', 'Client authentication failed', basic ? { 'www-authenticate': 'Basic realm="token"' } : {});
    }
    if (b.grant_type === 'authorization_code') return this.codeGrant(b);
    if (b.grant_type === 'refresh_token') {
      const grant = b.refresh_token ? this.refreshTokens.get(b.refresh_token) : undefined;
      if (!grant || grant.clientId !== clientId) return error(400, 'invalid_grant', 'The refresh token is invalid, expired or revoked');
      return this.answer(this.issue(grant.scope));
    }
    return error(400, 'unsupported_grant_type', `grant_type ${b.grant_type ?? '(none)'} is not supported`);
  }

  private codeGrant(b: Record<string, string>): FakeResponse {
    const issued = b.code ? this.codes.get(b.code) : undefined;
    if (!issued) return error(400, 'invalid_grant', 'The authorization code is invalid');
    if (issued.used) {
      for (const token of issued.refreshTokens) this.refreshTokens.delete(token);
      return error(400, 'invalid_grant', 'The authorization code was already used');
    }
    issued.used = true;
    if (issued.expiresAt < Date.now()) return error(400, 'invalid_grant', 'The authorization code expired');
    if (b.redirect_uri !== issued.redirectUri) return error(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    const verifier = b.code_verifier ?? '';
    if (!verifierShape.test(verifier)) return error(400, 'invalid_grant', 'code_verifier is missing or malformed');
    if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== issued.codeChallenge) return error(400, 'invalid_grant', 'PKCE verification failed: code_verifier does not match code_challenge');
    const refreshToken = randomBytes(24).toString('base64url');
    this.refreshTokens.set(refreshToken, { clientId: issued.clientId, scope: issued.scope });
    issued.refreshTokens.push(refreshToken);
    return this.answer({ ...this.issue(issued.scope), refresh_token: refreshToken, scope: issued.scope });
  }

  private answer(tokens: IssuedTokens): FakeResponse {
    return { status: 200, json: { token_type: 'Bearer', ...tokens }, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
  }
}
