import { ConnectorError, isConnectorError } from './errors';
import { createHttpClient } from './http';
import type { OAuth2Credentials } from './auth';
import type { OAuth2Settings } from './types';

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
  if (credentials.clientId) form.client_id = credentials.clientId;
  if (credentials.clientSecret) form.client_secret = credentials.clientSecret;
  try {
    const res = await http.request<{ access_token?: string; refresh_token?: string; expires_in?: number }>({ method: 'POST', url: tokenUrl, form, headers: { accept: 'application/json' } });
    if (typeof res.body.access_token !== 'string') throw new ConnectorError('fatal', 'the OAuth2 token endpoint answered without an access_token', { code: 'bad_token_response' });
    const now = opts.now?.() ?? Date.now();
    return {
      ...credentials,
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
