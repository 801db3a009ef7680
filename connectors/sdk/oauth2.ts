import { createHash } from 'node:crypto';
import { base64, type ClientCredentials, type OAuth2Credentials } from './auth';
import { ConnectorError, isConnectorError } from './errors';
import { createHttpClient } from './http';
import type { ClientCredentialsSettings, OAuth2Settings } from './types';

const inflight = new Map<string, Promise<OAuth2Credentials>>();

export interface RefreshOptions {
  egressAllow: readonly string[];
  signal?: AbortSignal;
  now?: () => number;
}

export function needsRefresh(credentials: OAuth2Credentials, settings: OAuth2Settings, now: number): boolean {
  if (!credentials.refreshToken || !credentials.expiresAt) return false;
  return Date.parse(credentials.expiresAt) - (settings.refreshSkewMs ?? 60_000) <= now;
}

/**
 * Exchanges the refresh token for a new access token. Concurrent callers for the same key
 * (connection id) share one request: single-flight, so a rotating refresh token is used once.
 */
export function refreshOAuth2<C extends OAuth2Credentials>(key: string, settings: OAuth2Settings, credentials: C, opts: RefreshOptions): Promise<C> {
  const running = inflight.get(key);
  if (running) return running as Promise<C>;
  const p = doRefresh(settings, credentials, opts).finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

type TokenAnswer = { access_token: string; refresh_token?: string; expires_in?: number } & Record<string, unknown>;

/** One request to the token endpoint, the client authenticated as the connector says (form fields, or HTTP Basic for Pipedrive). */
async function tokenRequest(settings: OAuth2Settings, tokenUrl: string, form: Record<string, string>, client: { clientId?: string; clientSecret?: string }, opts: RefreshOptions): Promise<TokenAnswer> {
  const http = createHttpClient({ vendor: { vendor: 'the OAuth2 token endpoint' }, egressAllow: opts.egressAllow, signal: opts.signal });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.clientAuthentication === 'basic' && client.clientId && client.clientSecret) {
    headers.authorization = `Basic ${base64(`${client.clientId}:${client.clientSecret}`)}`;
  } else {
    if (client.clientId) form.client_id = client.clientId;
    if (client.clientSecret) form.client_secret = client.clientSecret;
  }
  const res = await http.request<Partial<TokenAnswer>>({ method: 'POST', url: tokenUrl, form, headers });
  if (typeof res.body.access_token !== 'string') throw new ConnectorError('fatal', 'the OAuth2 token endpoint answered without an access_token', { code: 'bad_token_response' });
  return res.body as TokenAnswer;
}

/** The credentials a token answer gives: the tokens, their expiry, and the fields the connector keeps (Salesforce's `instance_url`). */
function credentialsFrom<C extends OAuth2Credentials>(settings: OAuth2Settings, before: C, answer: TokenAnswer, now: number): C {
  const kept = Object.entries(settings.tokenResponseFields ?? {}).filter(([from]) => typeof answer[from] === 'string');
  return {
    ...before,
    ...Object.fromEntries(kept.map(([from, to]) => [to, answer[from]])),
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token ?? before.refreshToken,
    expiresAt: typeof answer.expires_in === 'number' ? new Date(now + answer.expires_in * 1000).toISOString() : undefined,
  };
}

async function doRefresh<C extends OAuth2Credentials>(settings: OAuth2Settings, credentials: C, opts: RefreshOptions): Promise<C> {
  if (!credentials.refreshToken) throw new ConnectorError('auth_lost', 'the access token expired and the connection has no refresh token', { code: 'token_expired' });
  try {
    const answer = await tokenRequest(settings, credentials.tokenUrl ?? settings.tokenUrl, { grant_type: 'refresh_token', refresh_token: credentials.refreshToken }, credentials, opts);
    return credentialsFrom(settings, credentials, answer, opts.now?.() ?? Date.now());
  } catch (err) {
    // invalid_grant (400) or 401 from the token endpoint: the grant is gone, a person must reconnect.
    if (isConnectorError(err) && (err.kind === 'invalid_input' || err.kind === 'auth_lost')) {
      throw new ConnectorError('auth_lost', `refreshing the access token failed: ${err.message}`, { status: err.status, code: err.code ?? 'invalid_grant' });
    }
    throw err;
  }
}

/** What a person's consent gave (Connect): the code, the PKCE verifier it was bound to, and the client that asked. */
export interface AuthorizationCodeGrant {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  clientId: string;
  clientSecret: string;
  /** The token endpoint (the connector's, or the configured override); kept in the credentials when it is not the connector's. */
  tokenUrl: string;
}

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5): exchanges the authorization code for the connection's
 * credentials — tokens, expiry, the kept response fields, and the client id and secret the refresh
 * needs. A refusal is the endpoint's ConnectorError as is (`code` = RFC 6749 §5.2 `error`, e.g. `invalid_grant`).
 */
export async function exchangeAuthorizationCode(settings: OAuth2Settings, grant: AuthorizationCodeGrant, opts: RefreshOptions): Promise<OAuth2Credentials & Record<string, unknown>> {
  const client = { clientId: grant.clientId, clientSecret: grant.clientSecret };
  const form = { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri, code_verifier: grant.codeVerifier };
  const answer = await tokenRequest(settings, grant.tokenUrl, form, client, opts);
  const before: OAuth2Credentials = { accessToken: answer.access_token, ...client, ...(grant.tokenUrl === settings.tokenUrl ? {} : { tokenUrl: grant.tokenUrl }) };
  return credentialsFrom(settings, before, answer, opts.now?.() ?? Date.now());
}

interface CachedToken {
  accessToken: string;
  /** ms since epoch; Infinity when the endpoint gave no `expires_in`. */
  expiresAt: number;
}

const clientTokens = new Map<string, CachedToken>();
const clientInflight = new Map<string, Promise<CachedToken>>();

/** The cache key: the connection plus a digest of everything the token depends on, so new credentials never reuse an old token. */
function clientTokenKey<C extends ClientCredentials>(key: string, settings: ClientCredentialsSettings<C>, credentials: C): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([credentials.clientId, credentials.clientSecret, credentials.tokenUrl ?? settings.tokenUrl, settings.tokenParams?.(credentials) ?? {}]))
    .digest('hex');
  return `${key}:${digest}`;
}

/**
 * A client-credentials access token for a connection: the cached one while it has more than the
 * skew left, else one token request shared by every concurrent caller in this process.
 */
export function clientCredentialsToken<C extends ClientCredentials>(key: string, settings: ClientCredentialsSettings<C>, credentials: C, opts: RefreshOptions): Promise<string> {
  const cacheKey = clientTokenKey(key, settings, credentials);
  const now = opts.now?.() ?? Date.now();
  const cached = clientTokens.get(cacheKey);
  if (cached && cached.expiresAt - (settings.refreshSkewMs ?? 60_000) > now) return Promise.resolve(cached.accessToken);
  let running = clientInflight.get(cacheKey);
  if (!running) {
    running = requestClientToken(settings, credentials, opts)
      .then((token) => (clientTokens.set(cacheKey, token), token))
      .finally(() => clientInflight.delete(cacheKey));
    clientInflight.set(cacheKey, running);
  }
  return running.then((t) => t.accessToken);
}

/** Drops a cached token the vendor refused (401), so the next call fetches a new one. */
export function forgetClientCredentialsToken<C extends ClientCredentials>(key: string, settings: ClientCredentialsSettings<C>, credentials: C, rejected: string): void {
  const cacheKey = clientTokenKey(key, settings, credentials);
  if (clientTokens.get(cacheKey)?.accessToken === rejected) clientTokens.delete(cacheKey);
}

async function requestClientToken<C extends ClientCredentials>(settings: ClientCredentialsSettings<C>, credentials: C, opts: RefreshOptions): Promise<CachedToken> {
  const http = createHttpClient({ vendor: { vendor: 'the OAuth2 token endpoint' }, egressAllow: opts.egressAllow, signal: opts.signal });
  const form: Record<string, string> = { grant_type: settings.grantType ?? 'client_credentials', ...settings.tokenParams?.(credentials) };
  if (settings.scopes?.length) form.scope = settings.scopes.join(' ');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.clientAuthentication === 'body') Object.assign(form, { client_id: credentials.clientId, client_secret: credentials.clientSecret });
  else headers.authorization = `Basic ${base64(`${credentials.clientId}:${credentials.clientSecret}`)}`;
  try {
    const res = await http.request<{ access_token?: string; expires_in?: number }>({ method: 'POST', url: credentials.tokenUrl ?? settings.tokenUrl, form, headers });
    if (typeof res.body.access_token !== 'string') throw new ConnectorError('fatal', 'the OAuth2 token endpoint answered without an access_token', { code: 'bad_token_response' });
    const now = opts.now?.() ?? Date.now();
    return { accessToken: res.body.access_token, expiresAt: typeof res.body.expires_in === 'number' ? now + res.body.expires_in * 1000 : Infinity };
  } catch (err) {
    // invalid_client (401) or a 400 (unknown account, disabled app): the stored client credentials no longer work.
    if (isConnectorError(err) && (err.kind === 'invalid_input' || err.kind === 'auth_lost')) {
      throw new ConnectorError('auth_lost', `obtaining an access token failed: ${err.message}`, { status: err.status, code: err.code ?? 'invalid_client' });
    }
    throw err;
  }
}
