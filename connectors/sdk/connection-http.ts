import { createHttpClient } from './http';
import type { HttpClient } from './http-types';
import { needsRefresh, refreshOAuth2 } from './oauth2';
import type { OAuth2Credentials } from './auth';
import type { ConnectorDefinition } from './types';

export interface ConnectionHttpOptions<C> {
  connector: ConnectorDefinition<C>;
  /** Used as the single-flight key for OAuth2 refresh. */
  connectionId: string | null;
  credentials: C;
  /** The connection's base URL override (self-hosted vendors, test fakes). */
  baseUrl?: string | null;
  egressAllow: readonly string[];
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Persist refreshed OAuth2 credentials (encrypted by the store). */
  saveCredentials?(credentials: C): Promise<void>;
}

function resolveBaseUrl<C>(connector: ConnectorDefinition<C>, credentials: C, override?: string | null): string | null {
  if (override) return override;
  if (typeof connector.baseUrl === 'function') return connector.baseUrl(credentials);
  return connector.baseUrl;
}

/** The pre-authenticated client for one connection: base URL, auth, OAuth2 refresh (expired or 401). */
export function connectionHttp<C>(opts: ConnectionHttpOptions<C>): { http: HttpClient; credentials: () => C } {
  const { connector } = opts;
  let credentials = opts.credentials;
  const oauth = connector.auth.oauth2;
  const refresh = async () => {
    if (!oauth) return false;
    const creds = credentials as unknown as OAuth2Credentials;
    if (!creds.refreshToken) return false;
    const next = await refreshOAuth2(opts.connectionId ?? connector.id, oauth, creds, { egressAllow: opts.egressAllow, signal: opts.signal });
    credentials = next as unknown as C;
    await opts.saveCredentials?.(credentials);
    return true;
  };
  const http = createHttpClient({
    baseUrl: resolveBaseUrl(connector, credentials, opts.baseUrl),
    vendor: connector.vendor,
    egressAllow: opts.egressAllow,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    async applyAuth(req) {
      if (oauth && needsRefresh(credentials as unknown as OAuth2Credentials, oauth, Date.now())) await refresh();
      connector.auth.apply(credentials, req);
    },
    onUnauthorized: oauth ? refresh : undefined,
  });
  return { http, credentials: () => credentials };
}
