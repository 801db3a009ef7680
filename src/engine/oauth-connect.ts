import { createHash, randomBytes } from 'node:crypto';
import { isConnectorError } from '../../connectors/sdk/errors';
import { exchangeAuthorizationCode } from '../../connectors/sdk/oauth2';
import type { AnyConnector, ConnectorRegistry } from '../../connectors/sdk/registry';
import type { OAuth2Settings } from '../../connectors/sdk/types';
import type { OAuthApp } from '../config/config';
import type { Logger } from '../logging';
import { Refusal } from '../refusal';
import type { Connection, ConnectionStore } from '../store/connections';
import type { OAuthAuthorizationStore, UnusableState } from '../store/oauth-authorizations';
import type { ConnectionEventData, EngineEvents } from './engine-events';

/** How long a person has to consent after Connect started. */
const authorizationLifetimeMs = 10 * 60_000;
const tokenTimeoutMs = 15_000;

export interface OAuthConnectDeps {
  registry: ConnectorRegistry;
  connections: ConnectionStore;
  authorizations: OAuthAuthorizationStore;
  /** `SWITCHYARD_OAUTH_<APP>_*` by app (config.oauthApps). */
  apps: Record<string, OAuthApp>;
  /** SWITCHYARD_EGRESS_ALLOW: the token endpoint is reached through the same SSRF guard as every vendor call. */
  egressAllow: readonly string[];
  events: EngineEvents;
  logger?: Pick<Logger, 'info' | 'warn'>;
  now?: () => Date;
}

export interface ConnectStart {
  connector: string;
  connectionId: string;
  label?: string;
  /** Replaces the connector's default scopes. */
  scopes?: string[];
  /** The connection's API base URL override (a sandbox or test fake), as on `POST /connections`. */
  baseUrl?: string | null;
}

export interface StartedAuthorization {
  authorizeUrl: string;
  state: string;
  expiresAt: string;
  scopes: string[];
}

/** What the callback carries (`GET /oauth/callback?code&state` or `?error&state`). */
export interface CallbackParams {
  state?: string;
  code?: string;
  error?: string;
  errorDescription?: string;
}

/** The callback's outcome: the connection now connected, or a refusal — with the connection it was for once the state is known. */
export type ConnectOutcome = { ok: true; connection: Connection; reconnected: boolean } | { ok: false; connectionId: string | null; refusal: Refusal };

/**
 * What each OAuth error means to the person who clicked Connect: the authorization endpoint's
 * (RFC 6749 §4.1.2.1) and the token endpoint's (§5.2). One table for every connector.
 */
const oauthErrorMessages: Record<string, string> = {
  access_denied: 'consent was denied at the vendor; nothing was stored — click Connect again to retry',
  invalid_grant: 'the vendor refused the authorization code (already used, expired, or the PKCE verifier did not match); nothing was stored — click Connect again',
  invalid_client: 'the vendor refused the OAuth client id or secret; check the SWITCHYARD_OAUTH_<APP>_CLIENT_ID and _CLIENT_SECRET this server runs with',
  unauthorized_client: 'the vendor does not allow this OAuth client the authorization-code grant; check the app registered with the vendor',
  invalid_scope: 'the vendor refused the scopes asked for; start Connect with scopes the app may request',
  invalid_request: 'the vendor refused the authorization request as malformed (is the redirect URI registered exactly?)',
  unsupported_response_type: 'the vendor does not support the authorization-code flow for this app',
  server_error: 'the vendor failed while authorizing; try Connect again',
  temporarily_unavailable: 'the vendor is temporarily unable to authorize; try Connect again later',
};

const stateMessages: Record<UnusableState, string> = {
  unknown: 'this authorization is unknown to Switchyard (no Connect started it, or it was forged); start Connect again',
  expired: `this authorization expired (a person has ${authorizationLifetimeMs / 60_000} minutes to consent); start Connect again`,
  used: 'this authorization was used already; start Connect again to reconnect',
};

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** `<APP>` of `SWITCHYARD_OAUTH_<APP>_CLIENT_ID`: the connector's shared app name, else its id in capitals. */
function oauthAppName(connector: AnyConnector): string {
  return connector.auth.oauth2?.app ?? connector.id.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * OAuth Connect, the authorization-code flow with PKCE (RFC 7636, S256) and a single-use state:
 * `start` stores the pending authorization and answers the consent page's URL; `finish` takes the
 * callback, exchanges the code at the token endpoint (the SDK's HTTP client and SSRF guard) and
 * stores the tokens sealed as the connection's credentials — a new connection, or new credentials
 * for the same id (reconnect), which restores a disconnected connection and wakes its waiting runs.
 * Codes, tokens and verifiers are never logged.
 */
export function oauthConnect(deps: OAuthConnectDeps) {
  const now = () => deps.now?.() ?? new Date();

  const oauthConnector = (id: string): { connector: AnyConnector; settings: OAuth2Settings; app: OAuthApp; appName: string } => {
    const connector = deps.registry.getConnector(id);
    if (!connector) {
      const known = deps.registry.listConnectors().filter((c) => c.auth.oauth2?.authorizeUrl).map((c) => c.id).sort();
      throw new Refusal('invalid', 'unknown_connector', `connector: unknown connector ${JSON.stringify(id)} (OAuth Connect: ${known.join(', ')})`, { field: 'connector' });
    }
    const settings = connector.auth.oauth2;
    const appName = oauthAppName(connector);
    const app = deps.apps[appName] ?? {};
    if (!settings || !(app.authorizeUrl ?? settings.authorizeUrl)) {
      throw new Refusal('invalid', 'oauth_not_supported', `connector ${id} has no OAuth authorization-code flow; create its connection with credentials (POST /api/v1/connections)`, { field: 'connector' });
    }
    return { connector, settings, app, appName };
  };

  const clientOf = (appName: string, app: OAuthApp) => {
    const variables = [`SWITCHYARD_OAUTH_${appName}_CLIENT_ID`, `SWITCHYARD_OAUTH_${appName}_CLIENT_SECRET`];
    if (!app.clientId || !app.clientSecret) {
      const missing = variables.filter((_, i) => !(i === 0 ? app.clientId : app.clientSecret));
      throw new Refusal('conflict', 'oauth_client_not_configured', `OAuth Connect needs ${variables.join(' and ')} (the app registered with the vendor); this server runs without ${missing.join(' and ')}`, { variables: missing });
    }
    return { clientId: app.clientId, clientSecret: app.clientSecret };
  };

  async function start(input: ConnectStart, ctx: { tokenId: string; redirectUri: string }): Promise<StartedAuthorization> {
    const { connector, settings, app, appName } = oauthConnector(input.connector);
    const { clientId } = clientOf(appName, app);
    const existing = await deps.connections.get(input.connectionId);
    if (existing && existing.connector !== connector.id) {
      throw new Refusal('conflict', 'connector_mismatch', `connection ${existing.id} belongs to connector ${existing.connector}, not ${connector.id}; delete it first or choose another id`, { id: existing.id });
    }
    const scopes = input.scopes ?? [...(settings.scopes ?? [])];
    const state = base64url(randomBytes(32));
    const codeVerifier = base64url(randomBytes(32));
    const codeChallenge = base64url(createHash('sha256').update(codeVerifier, 'ascii').digest());
    const at = now();
    const expiresAt = new Date(at.getTime() + authorizationLifetimeMs);
    await deps.authorizations.create(
      state,
      { connector: connector.id, connectionId: input.connectionId, label: input.label ?? null, baseUrl: input.baseUrl ?? null, scopes, redirectUri: ctx.redirectUri, tokenId: ctx.tokenId, codeVerifier, expiresAt },
      at,
    );
    const url = new URL((app.authorizeUrl ?? settings.authorizeUrl)!);
    for (const [name, value] of Object.entries(settings.authorizeParams ?? {})) url.searchParams.set(name, value);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', ctx.redirectUri);
    if (scopes.length) url.searchParams.set('scope', scopes.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return { authorizeUrl: url.toString(), state, expiresAt: expiresAt.toISOString(), scopes };
  }

  async function finish(params: CallbackParams): Promise<ConnectOutcome> {
    if (!params.state) return { ok: false, connectionId: null, refusal: new Refusal('rejected', 'invalid_state', 'the callback carries no state; start Connect again') };
    const pending = await deps.authorizations.claim(params.state, now());
    if (typeof pending === 'string') return { ok: false, connectionId: null, refusal: new Refusal('rejected', `state_${pending}`, stateMessages[pending]) };
    const failed = (code: string, message: string): ConnectOutcome => ({ ok: false, connectionId: pending.connectionId, refusal: new Refusal('rejected', code, message, { connectionId: pending.connectionId }) });
    if (params.error) {
      const known = oauthErrorMessages[params.error];
      const said = params.errorDescription ? ` (the vendor said: ${params.errorDescription.slice(0, 300)})` : '';
      return failed(known ? params.error : 'authorization_failed', `${known ?? `the vendor answered ${params.error.slice(0, 100)}`}${said}`);
    }
    if (!params.code) return failed('invalid_request', 'the callback carries neither a code nor an error; start Connect again');
    try {
      const { connector, settings, app, appName } = oauthConnector(pending.connector);
      const client = clientOf(appName, app);
      let credentials: unknown;
      try {
        credentials = await exchangeAuthorizationCode(
          settings,
          { code: params.code, codeVerifier: pending.codeVerifier, redirectUri: pending.redirectUri, ...client, tokenUrl: app.tokenUrl ?? settings.tokenUrl },
          { egressAllow: deps.egressAllow, signal: AbortSignal.timeout(tokenTimeoutMs) },
        );
      } catch (err) {
        const code = isConnectorError(err) ? err.code : undefined;
        const detail = err instanceof Error ? err.message : String(err);
        if (code && oauthErrorMessages[code]) return failed(code, `${oauthErrorMessages[code].replace('<APP>', appName)} (${detail})`);
        return failed('token_exchange_failed', `exchanging the authorization code failed: ${detail}`);
      }
      const parsed = connector.auth.credentials.safeParse(credentials);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return failed('bad_token_response', `the token endpoint's answer does not make ${connector.name} credentials: ${issue.path.join('.') || '(credentials)'}: ${issue.message}`);
      }
      return await store(connector, pending, parsed.data);
    } catch (err) {
      if (err instanceof Refusal) return { ok: false, connectionId: pending.connectionId, refusal: err };
      throw err;
    }
  }

  async function store(connector: AnyConnector, pending: { connectionId: string; label: string | null; baseUrl: string | null }, credentials: unknown): Promise<ConnectOutcome> {
    const at = now();
    const sameConnector = (existing: Connection) => {
      if (existing.connector !== connector.id) {
        throw new Refusal('conflict', 'connector_mismatch', `connection ${existing.id} belongs to connector ${existing.connector} now, not ${connector.id}; nothing was stored`, { id: existing.id });
      }
      return existing;
    };
    const before = await deps.connections.get(pending.connectionId);
    if (before) sameConnector(before);
    const created = !before && (await deps.connections.createIfAbsent({ id: pending.connectionId, connector: connector.id, name: pending.label ?? connector.name, credentials, baseUrl: pending.baseUrl }, at));
    if (!created) {
      // Connected before, or by a second Connect of the same new connection that finished a moment
      // earlier (two tabs): the grant finishing last is the one kept.
      const existing = sameConnector(before ?? (await deps.connections.get(pending.connectionId))!);
      await deps.connections.updateCredentials(existing.id, credentials, at, { ...(pending.label ? { name: pending.label } : {}), ...(pending.baseUrl ? { baseUrl: pending.baseUrl } : {}) });
    }
    const after = (await deps.connections.get(pending.connectionId))!;
    deps.logger?.info({ connection: after.id, connector: connector.id, reconnected: Boolean(before) }, 'connection authorized through OAuth Connect');
    if (before?.status === 'disconnected' && after.status === 'connected') {
      const data: ConnectionEventData = { connectionId: after.id, connector: after.connector, reason: 'reconnected through OAuth Connect' };
      await deps.events.publish('connection.restored', data, at);
    }
    return { ok: true, connection: after, reconnected: Boolean(before) };
  }

  return { start, finish };
}

export type OAuthConnect = ReturnType<typeof oauthConnect>;
