import { createHttpClient } from './http';
import type { HttpClient } from './http-types';
import { clientCredentialsToken, forgetClientCredentialsToken, needsRefresh, refreshOAuth2 } from './oauth2';
import type { ClientCredentials, OAuth2Credentials } from './auth';
import type { ClientCredentialsSettings, ConnectorDefinition, OutgoingRequest } from './types';

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

/**
 * The pre-authenticated client for one connection: base URL, auth, OAuth2 refresh (expired or 401),
 * or a cached client-credentials token (dropped and fetched again once on a 401).
 */
export function connectionHttp<C>(opts: ConnectionHttpOptions<C>): { http: HttpClient; credentials: () => C } {
  const { connector } = opts;
  let credentials = opts.credentials;
  const oauth = connector.auth.oauth2;
  const client = connector.auth.clientCredentials as ClientCredentialsSettings<ClientCredentials> | undefined;
  const tokenKey = opts.connectionId ?? connector.id;
  let lastClientToken: string | undefined;
  const clientAuth = client
    ? {
        apply: async (req: OutgoingRequest) => {
          lastClientToken = await clientCredentialsToken(tokenKey, client, credentials as unknown as ClientCredentials, { egressAllow: opts.egressAllow, signal: opts.signal });
          req.headers.authorization = `Bearer ${lastClientToken}`;
        },
        onUnauthorized: async () => {
          if (lastClientToken) forgetClientCredentialsToken(tokenKey, client, credentials as unknown as ClientCredentials, lastClientToken);
          return true;
        },
      }
    : undefined;
  const refresh = async () => {
    if (!oauth) return false;
    const creds = credentials as unknown as OAuth2Credentials;
    if (!creds.refreshToken) return false;
    const next = await refreshOAuth2(opts.connectionId ?? connector.id, oauth, creds, { egressAllow: opts.egressAllow, signal: opts.signal });
    credentials = next as unknown as C;
    await opts.saveCredentials?.(credentials);
    return true;
  };
  const baseUrl = () => resolveBaseUrl(connector, credentials, opts.baseUrl);
  const clientFor = (base: string | null): HttpClient =>
    createHttpClient({
      baseUrl: base,
      hosts: connector.hosts && Object.fromEntries(Object.entries(connector.hosts).map(([name, url]) => [name, opts.baseUrl || url])),
      vendor: connector.vendor,
      egressAllow: opts.egressAllow,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      async applyAuth(req) {
        if (oauth && needsRefresh(credentials as unknown as OAuth2Credentials, oauth, Date.now())) await refresh();
        connector.auth.apply(credentials, req);
        await clientAuth?.apply(req);
      },
      // A refresh that moves the base URL (Salesforce's instance_url) does not retry here, on the old host.
      onUnauthorized: oauth ? async () => (await refresh()) && baseUrl() === base : clientAuth?.onUnauthorized,
    });
  let current = { base: baseUrl(), client: clientFor(baseUrl()) };
  const clientNow = () => {
    const base = baseUrl();
    if (base !== current.base) current = { base, client: clientFor(base) };
    return current;
  };
  const http: HttpClient = {
    async request(req) {
      const used = clientNow();
      try {
        return await used.client.request(req);
      } catch (err) {
        // The token endpoint named another base URL while refreshing: send the request once more, there.
        if (clientNow() === used) throw err;
        return current.client.request(req);
      }
    },
  };
  return { http, credentials: () => credentials };
}
