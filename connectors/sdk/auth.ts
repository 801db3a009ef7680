import { z } from 'zod';
import { ConnectorError } from './errors';
import type { AuthDefinition, ClientCredentialsSettings, OAuth2Settings, OutgoingRequest } from './types';

type Shape = z.ZodRawShape;
type Extra<E extends Shape> = keyof E extends never ? Record<never, never> : z.output<z.ZodObject<E>>;
type Label<C> = { accountLabel?: (credentials: C) => string | undefined };

const nonEmpty = () => z.string().min(1);

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function none(): AuthDefinition<Record<string, never>> {
  return { kind: 'none', credentials: z.object({}).strict(), apply() {} };
}

/** `{ apiKey }` sent in a header (default `X-Api-Key`) or a query parameter. */
function apiKey<E extends Shape = Record<never, never>>(opts: { in?: 'header' | 'query'; name?: string; prefix?: string; extra?: E } & Label<{ apiKey: string } & Extra<E>> = {}) {
  type C = { apiKey: string } & Extra<E>;
  const credentials = z.object({ apiKey: nonEmpty(), ...(opts.extra ?? ({} as E)) }) as unknown as z.ZodType<C>;
  const name = opts.name ?? (opts.in === 'query' ? 'api_key' : 'X-Api-Key');
  const def: AuthDefinition<C> = {
    kind: 'apiKey',
    credentials,
    apply(c, req) {
      if (opts.in === 'query') req.url.searchParams.set(name, c.apiKey);
      else req.headers[name.toLowerCase()] = `${opts.prefix ?? ''}${c.apiKey}`;
    },
    accountLabel: opts.accountLabel,
  };
  return def;
}

/**
 * `{ accessToken }` as `Authorization: Bearer`. With `optional: true` a connection may carry only
 * the extra fields (e.g. an Intercom connection that only receives webhooks); calls then fail fatally.
 */
function bearer<E extends Shape = Record<never, never>, O extends boolean = false>(opts: { extra?: E; optional?: O } & Label<BearerCreds<E, O>> = {}) {
  const token = opts.optional ? nonEmpty().optional() : nonEmpty();
  const credentials = z.object({ accessToken: token, ...(opts.extra ?? ({} as E)) }) as unknown as z.ZodType<BearerCreds<E, O>>;
  const def: AuthDefinition<BearerCreds<E, O>> = {
    kind: 'bearer',
    credentials,
    apply(c, req) {
      const t = (c as { accessToken?: string }).accessToken;
      if (!t) throw new ConnectorError('fatal', 'the connection has no accessToken; add one to its credentials to call this API', { code: 'missing_credentials', field: 'accessToken' });
      req.headers.authorization = `Bearer ${t}`;
    },
    accountLabel: opts.accountLabel,
  };
  return def;
}
type BearerCreds<E extends Shape, O extends boolean> = (O extends true ? { accessToken?: string } : { accessToken: string }) & Extra<E>;

/** `{ username, password }` as HTTP Basic (Jira: email + API token). */
function basic<E extends Shape = Record<never, never>>(opts: { extra?: E } & Label<{ username: string; password: string } & Extra<E>> = {}) {
  type C = { username: string; password: string } & Extra<E>;
  const credentials = z.object({ username: nonEmpty(), password: nonEmpty(), ...(opts.extra ?? ({} as E)) }) as unknown as z.ZodType<C>;
  const def: AuthDefinition<C> = {
    kind: 'basic',
    credentials,
    apply(c, req) {
      req.headers.authorization = `Basic ${base64(`${c.username}:${c.password}`)}`;
    },
    accountLabel: opts.accountLabel ?? ((c) => c.username),
  };
  return def;
}

const oauth2CredentialsShape = {
  accessToken: nonEmpty(),
  refreshToken: nonEmpty().optional(),
  /** ISO time the access token expires. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  clientId: nonEmpty().optional(),
  clientSecret: nonEmpty().optional(),
  /** Overrides the connector's token URL (self-hosted vendors, test fakes). */
  tokenUrl: z.url().optional(),
};
export type OAuth2Credentials = z.output<z.ZodObject<typeof oauth2CredentialsShape>>;

/** Access token + optional refresh token; refreshed when expired or on 401, single-flight per connection (see oauth2.ts). */
function oauth2<E extends Shape = Record<never, never>>(settings: OAuth2Settings & { extra?: E } & Label<OAuth2Credentials & Extra<E>>) {
  type C = OAuth2Credentials & Extra<E>;
  const credentials = z.object({ ...oauth2CredentialsShape, ...(settings.extra ?? ({} as E)) }) as unknown as z.ZodType<C>;
  const def: AuthDefinition<C> = {
    kind: 'oauth2',
    credentials,
    apply(c, req) {
      req.headers.authorization = `Bearer ${c.accessToken}`;
    },
    accountLabel: settings.accountLabel,
    oauth2: {
      tokenUrl: settings.tokenUrl,
      authorizeUrl: settings.authorizeUrl,
      scopes: settings.scopes,
      authorizeParams: settings.authorizeParams,
      app: settings.app,
      refreshSkewMs: settings.refreshSkewMs,
      tokenResponseFields: settings.tokenResponseFields,
    },
  };
  return def;
}

const clientCredentialsShape = {
  clientId: nonEmpty(),
  clientSecret: nonEmpty(),
  /** Overrides the connector's token URL (self-hosted vendors, test fakes). */
  tokenUrl: z.url().optional(),
};
export type ClientCredentials = z.output<z.ZodObject<typeof clientCredentialsShape>>;

/**
 * OAuth2 client credentials (Zoom Server-to-Server `account_credentials`, RFC 6749 §4.4): the
 * connection stores `{ clientId, clientSecret }` (+ `extra`), never a token. The connection's HTTP
 * client exchanges them for an access token, cached per process until it expires and fetched
 * single-flight (oauth2.ts), and sends it as `Authorization: Bearer`; a 401 drops the cached token
 * and retries once with a new one.
 */
function oauth2ClientCredentials<E extends Shape = Record<never, never>>(
  settings: ClientCredentialsSettings<ClientCredentials & Extra<E>> & { extra?: E } & Label<ClientCredentials & Extra<E>>,
) {
  type C = ClientCredentials & Extra<E>;
  const { extra, accountLabel, ...clientCredentials } = settings;
  const credentials = z.object({ ...clientCredentialsShape, ...(extra ?? ({} as E)) }) as unknown as z.ZodType<C>;
  const def: AuthDefinition<C> = {
    kind: 'oauth2ClientCredentials',
    credentials,
    // The bearer token is added by connectionHttp once it is obtained; nothing comes from the credentials directly.
    apply() {},
    accountLabel: accountLabel ?? ((c) => c.clientId),
    clientCredentials,
  };
  return def;
}

/** Anything else: the connector supplies the schema and how to apply it. */
function custom<S extends z.ZodType>(opts: { credentials: S; apply(c: z.output<S>, req: OutgoingRequest): void } & Label<z.output<S>>) {
  const def: AuthDefinition<z.output<S>> = { kind: 'custom', credentials: opts.credentials as unknown as z.ZodType<z.output<S>>, apply: (c, req) => opts.apply(c, req), accountLabel: opts.accountLabel };
  return def;
}

export const auth = { none, apiKey, bearer, basic, oauth2, oauth2ClientCredentials, custom };
export { base64 };
