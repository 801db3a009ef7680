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

async function doRefresh<C extends OAuth2Credentials>(settings: OAuth2Settings, credentials: C, opts: RefreshOptions): Promise<C> {
  if (!credentials.refreshToken) throw new ConnectorError('auth_lost', 'the access token expired and the connection has no refresh token', { code: 'token_expired' });
  const tokenUrl = credentials.tokenUrl ?? settings.tokenUrl;
  const http = createHttpClient({ vendor: { vendor: 'the OAuth2 token endpoint' }, egressAllow: opts.egressAllow, signal: opts.signal });
  const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: credentials.refreshToken };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.clientAuthentication === 'basic' && credentials.clientId && credentials.clientSecret) {
    headers.authorization = `Basic ${base64(`${credentials.clientId}:${credentials.clientSecret}`)}`;
  } else {
    if (credentials.clientId) form.client_id = credentials.clientId;
    if (credentials.clientSecret) form.client_secret = credentials.clientSecret;
  }
  try {
    const res = await http.request<{ access_token?: string; refresh_token?: string; expires_in?: number } & Record<string, unknown>>({ method: 'POST', url: tokenUrl, form, headers });
    if (typeof res.body.access_token !== 'string') throw new ConnectorError('fatal', 'the OAuth2 token endpoint answered without an access_token', { code: 'bad_token_response' });
    const now = opts.now?.() ?? Date.now();
    const kept = Object.entries(settings.tokenResponseFields ?? {}).filter(([from]) => typeof res.body[from] === 'string');
    return {
      ...credentials,
      ...Object.fromEntries(kept.map(([from, to]) => [to, res.body[from]])),
      accessToken: res.body.access_token,
      refreshToken: res.body.refresh_token ?? credentials.refreshToken,
      expiresAt: typeof res.body.expires_in === 'number' ? new Date(now + res.body.expires_in * 1000).toISOString() : undefined,
    };
  } catch (err) {
    // invalid_grant (400) or 401 from the token endpoint: the grant is gone, a person must reconnect.
    if (isConnectorError(err) && (err.kind === 'invalid_input' || err.kind === 'auth_lost')) {
      throw new ConnectorError('auth_lost', `refreshing the access token failed: ${err.message}`, { status: err.status, code: err.code ?? 'invalid_grant' });
    }
    throw err;
  }
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
