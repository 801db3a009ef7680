import { ConnectorError } from './errors';
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
  /** The base URL override the credentials were entered for (sealed with them); absent: `baseUrl`. */
  credentialsBaseUrl?: string | null;
  egressAllow: readonly string[];
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Refreshes OAuth2 credentials through the store the processes share: runs `exchange` (the token
   * request) at most once per stored version, or answers the credentials another process stored
   * meanwhile. Absent: `exchange` runs here and its credentials last this client only.
   */
  refreshCredentials?(exchange: (current: C) => Promise<C>, signal?: AbortSignal): Promise<C>;
}

function resolveBaseUrl<C>(connector: ConnectorDefinition<C>, credentials: C, override?: string | null): string | null {
  if (override) return override;
  if (typeof connector.baseUrl === 'function') return connector.baseUrl(credentials);
  return connector.baseUrl;
}

function resolveHosts<C>(connector: ConnectorDefinition<C>, override?: string | null): Record<string, string> | undefined {
  return connector.hosts && Object.fromEntries(Object.entries(connector.hosts).map(([name, url]) => [name, override || url]));
}

/**
 * The origins a connection's requests go to (base URL and named hosts), sorted: where its credentials
 * are sent. Credentials decide it (Jira's `siteUrl`) unless the connection overrides the base URL.
 */
export function connectionOrigins<C>(connector: ConnectorDefinition<C>, credentials: C, baseUrl: string | null | undefined): string[] {
  const urls = [resolveBaseUrl(connector, credentials, baseUrl), ...Object.values(resolveHosts(connector, baseUrl) ?? {})];
  return [...new Set(urls.filter((u): u is string => !!u).map((u) => new URL(u).origin))].sort();
}

/**
 * Credentials follow their origin: auth is applied only when the connection still resolves to the
 * origins the credentials were entered for, and only on a request to one of them. Otherwise the
 * request is refused before it is sent (auth_lost: enter the credentials again for the new origin);
 * requests to any other origin (absolute URLs) go without auth, as createHttpClient decides.
 */
function originGuard<C>(connector: ConnectorDefinition<C>, credentials: C, baseUrl: string | null | undefined, enteredFor: string | null | undefined): (url: URL) => void {
  if (enteredFor === undefined) return () => {};
  const now = connectionOrigins(connector, credentials, baseUrl);
  const bound = connectionOrigins(connector, credentials, enteredFor);
  const moved = now.join(' ') !== bound.join(' ');
  return (url) => {
    if (moved || (bound.length > 0 && !bound.includes(url.origin))) {
      throw new ConnectorError('auth_lost', `the credentials were entered for ${bound.join(', ') || 'another base URL'}, not ${url.origin}; enter them again for this connection's base URL`, {
        code: 'credentials_origin_changed',
      });
    }
  };
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
    if (!(credentials as unknown as OAuth2Credentials).refreshToken) return false;
    const exchange = async (current: C) => (await refreshOAuth2(tokenKey, oauth, current as unknown as OAuth2Credentials, { egressAllow: opts.egressAllow, signal: opts.signal })) as unknown as C;
    credentials = opts.refreshCredentials ? await opts.refreshCredentials(exchange, opts.signal) : await exchange(credentials);
    return true;
  };
  const baseUrl = () => resolveBaseUrl(connector, credentials, opts.baseUrl);
  const clientFor = (base: string | null): HttpClient => {
    // Bound to the credentials as they are now: a base URL they name themselves (Salesforce's instanceUrl) moves with them.
    const guard = originGuard(connector, credentials, opts.baseUrl, opts.credentialsBaseUrl);
    return createHttpClient({
      baseUrl: base,
      hosts: resolveHosts(connector, opts.baseUrl),
      vendor: connector.vendor,
      egressAllow: opts.egressAllow,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      async applyAuth(req) {
        guard(req.url);
        if (oauth && needsRefresh(credentials as unknown as OAuth2Credentials, oauth, Date.now())) await refresh();
        connector.auth.apply(credentials, req);
        await clientAuth?.apply(req);
      },
      // A refresh that moves the base URL (Salesforce's instance_url) does not retry here, on the old host.
      onUnauthorized: oauth ? async () => (await refresh()) && baseUrl() === base : clientAuth?.onUnauthorized,
    });
  };
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
