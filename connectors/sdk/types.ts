import type { z } from 'zod';
import type { FailureKind } from './errors';
import type { HttpClient, HttpResponse } from './http-types';
import type { SignatureSchemeId } from './signatures/schemes';
import type { VerifyResult, WebhookRequest } from './signatures/webhook-request';

export type { VerifyResult, WebhookRequest } from './signatures/webhook-request';

/** Intercom App Store categories, plus Marketing for the tools its table does not list (Mailchimp). */
export const connectorCategories = ['CRM', 'Communication', 'Analytics', 'Support', 'Productivity', 'Automation', 'Marketing'] as const;
export type ConnectorCategory = (typeof connectorCategories)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

type AuthKind = 'none' | 'apiKey' | 'bearer' | 'basic' | 'oauth2' | 'oauth2ClientCredentials' | 'custom';

/** Where an outgoing request is being built; auth adds headers or query parameters to it. */
export interface OutgoingRequest {
  url: URL;
  headers: Record<string, string>;
}

export interface OAuth2Settings {
  /** Default token endpoint; a connection may override it with `credentials.tokenUrl`. */
  tokenUrl: string;
  /** The consent page of the authorization-code flow (Connect); absent: connections take pasted tokens only. */
  authorizeUrl?: string;
  /** Scopes Connect asks for unless the request names others (shown in the connector catalog before consent). */
  scopes?: readonly string[];
  /** Further query parameters of the consent page (Google `access_type=offline`, Salesforce `prompt=consent`). */
  authorizeParams?: Readonly<Record<string, string>>;
  /**
   * The OAuth app's name in `SWITCHYARD_OAUTH_<APP>_CLIENT_ID` / `_CLIENT_SECRET` when connectors
   * share one app (Google Sheets and Drive: `GOOGLE`); absent: the connector id in capitals.
   */
  app?: string;
  /** Refresh this long before `expiresAt` (default 60 s). */
  refreshSkewMs?: number;
  /** How the client authenticates to the token endpoint: form fields (default) or HTTP Basic (Pipedrive requires Basic). */
  clientAuthentication?: 'basic' | 'body';
  /**
   * Token-response fields kept in the credentials on every refresh (response field → credential
   * field), e.g. Salesforce's `instance_url` → `instanceUrl`, which names the API host.
   */
  tokenResponseFields?: Readonly<Record<string, string>>;
}

/**
 * OAuth2 without a person in the loop (RFC 6749 §4.4 and vendor variants such as Zoom's
 * Server-to-Server `account_credentials`): the connection stores the client's id and secret, the
 * access token is fetched when needed and cached in the process until it expires (see oauth2.ts).
 */
export interface ClientCredentialsSettings<C = unknown> {
  /** Default token endpoint; a connection may override it with `credentials.tokenUrl`. */
  tokenUrl: string;
  /** `grant_type` sent to the token endpoint (default `client_credentials`). */
  grantType?: string;
  scopes?: readonly string[];
  /** How the client authenticates to the token endpoint: HTTP Basic (default, RFC 6749 §2.3.1) or form fields. */
  clientAuthentication?: 'basic' | 'body';
  /** Extra form fields from the credentials (Zoom's `account_id`). */
  tokenParams?(credentials: C): Record<string, string>;
  /** Fetch a new token this long before the cached one expires (default 60 s). */
  refreshSkewMs?: number;
}

/** Fixed once per connector; actions, triggers and the webhook source infer credentials from it. */
export interface AuthDefinition<C = unknown> {
  kind: AuthKind;
  /** The connections API validates credentials against this schema. */
  credentials: z.ZodType<C>;
  /** Adds the auth to a request. Throws ConnectorError when the credentials cannot authenticate. */
  apply(credentials: C, request: OutgoingRequest): void;
  /** A human label for the account (e.g. the email), shown on the connection. */
  accountLabel?(credentials: C): string | undefined;
  oauth2?: OAuth2Settings;
  /** Set for kind `oauth2ClientCredentials`: the client layer exchanges the credentials for a cached bearer token. */
  clientCredentials?: ClientCredentialsSettings<C>;
}

/** The small, fakeable context every action receives. */
export interface ActionContext<Credentials = unknown> {
  /** Null for connectors with auth kind "none". */
  connectionId: string | null;
  credentials: Credentials;
  /** Pre-authenticated, SSRF-guarded client bound to the connection's base URL. */
  http: HttpClient;
  signal: AbortSignal;
  /**
   * The step key, stable across retries: run id + '/' + step key. A retry of a failed run from its
   * failed step keeps the failed run's id here, so its steps find the effects of their earlier attempts.
   */
  idempotencyKey: string;
  attempt: number;
  logger: Logger;
  heartbeat(details?: unknown): void;
  /**
   * What the previous attempt of this step last passed to `heartbeat` (undefined on a first attempt):
   * lets a multi-call action resume (e.g. an export job id) after a retry or a worker crash.
   */
  lastHeartbeat?: unknown;
}

interface RetryDefaults {
  maxAttempts?: number;
  initialInterval?: string;
  backoff?: number;
  maxInterval?: string;
}

export interface ActionDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, C = unknown> {
  key: string;
  title: string;
  description: string;
  input: I;
  output: O;
  /** True when running it twice with the same input and idempotency key has the effect of once. */
  idempotent: boolean;
  /** Whether a step must name a connection: default "required", or "none" when the auth kind is none. */
  connection?: 'required' | 'optional' | 'none';
  /** Default startToClose timeout, e.g. "2m"; leave it out for `defaultActionTimeoutMs` (30 s, action-catalog.ts). */
  timeout?: string;
  retry?: RetryDefaults;
  /** How the action keeps a step to at most one external effect across retries (or says it cannot); see `ActionEffect`. */
  effect: ActionEffect<z.output<I>, z.input<O>, C>;
  /** Example output, used by dry runs and the catalog. */
  sample: z.output<O>;
  run(ctx: ActionContext<C>, input: z.output<I>): Promise<z.input<O>>;
}

/** What `reconcile` gets: the action context plus when the step's first unconfirmed attempt began (from the side-effect ledger). */
export interface ReconcileContext<C = unknown> extends ActionContext<C> {
  attemptStartedAt: Date;
}

/**
 * How a step stays at one external effect when a response is lost and Temporal retries it
 * (DESIGN §3, reliability C1–C4); the connector catalogue shows it per action.
 * - `none`: reads only.
 * - `idempotencyKey`: the vendor dedupes the repeat itself — a key derived from `ctx.idempotencyKey`
 *   (Linear's issue id, Mixpanel's `$insert_id`) or the record's own upsert key / id; `key` names it.
 * - `reconcile`: the activity records each attempt in the side-effect ledger before calling the
 *   vendor; after an attempt that started and was never confirmed, `reconcile` looks for that
 *   attempt's effect by the step key the action wrote into it, and its answer (when not undefined)
 *   becomes the step's output without a second call.
 * - `atLeastOnce`: neither is possible; a lost response can repeat the effect (`why` says why).
 */
export type ActionEffect<I = unknown, O = unknown, C = unknown> =
  | { kind: 'none' }
  | { kind: 'idempotencyKey'; key: string }
  | { kind: 'reconcile'; marker: string; reconcile(ctx: ReconcileContext<C>, input: I): Promise<O | undefined> }
  | { kind: 'atLeastOnce'; why: string };

/** Polling: list items changed since a cursor; the engine keeps the cursor durably and dedupes by key. */
export interface PollingTriggerDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, C = unknown> {
  key: string;
  title: string;
  description: string;
  /** Trigger configuration from the recipe (e.g. a JQL filter). */
  input: I;
  /** One item. */
  output: O;
  sample: z.output<O>;
  /** Suggested interval, e.g. "5m". */
  defaultInterval?: string;
  poll(ctx: ActionContext<C>, input: z.output<I>, cursor: string | null): Promise<PollResult<z.input<O>>>;
}

export interface PollResult<T = unknown> {
  items: { dedupeKey: string; item: T }[];
  /** Cursor for the next poll; unchanged when nothing new. */
  cursor: string | null;
}

/** One event extracted from an inbound delivery. */
export interface InboundEvent {
  /** Sender's id for dedupe (delivery or notification id). */
  id: string;
  topic: string;
  /** The event exactly as the sender sent it. */
  payload: unknown;
}

/** What the ingress sends back, as is, for an endpoint-verification handshake. */
export interface ChallengeAnswer {
  /** Default 200. */
  status?: number;
  contentType: 'application/json' | 'text/plain';
  /** A string is sent as is; anything else as JSON. */
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

/**
 * Endpoint-verification handshakes some senders make before (and while) delivering events. They
 * are answered synchronously by the ingress and never become events.
 */
interface WebhookChallenge<C = unknown> {
  /**
   * A `GET` to the hook URL (Dropbox's `?challenge=<random>`). Unsigned by nature, so the answer
   * must not depend on a secret. Returns undefined when the GET is not a handshake (the ingress answers 400).
   */
  get?(request: WebhookRequest, credentials: C): ChallengeAnswer | undefined;
  /**
   * A verified `POST` whose body is a handshake rather than an event (Zoom's
   * `endpoint.url_validation`). Runs after `verify`, so an answer derived from the secret is only
   * ever given to a signed request (never a signing oracle). Undefined = an ordinary delivery.
   */
  post?(request: WebhookRequest, body: unknown, credentials: C): ChallengeAnswer | undefined;
}

export interface WebhookSourceDefinition<C = unknown> {
  /**
   * The verification schemes `verify` applies (from `connectors/sdk/signatures/schemes.ts`); the
   * registry refuses a source that declares none. A source choosing by credentials lists every one.
   */
  schemes: readonly SignatureSchemeId[];
  /** Verifies the signature over the raw bytes, in constant time, before anything is parsed. */
  verify(request: WebhookRequest, credentials: C, now: Date): VerifyResult;
  /** Extracts events from a verified delivery (one delivery may carry several). */
  extract(request: WebhookRequest, body: unknown, credentials?: C): InboundEvent[];
  /** Topic catalog (the sender's real topic names). */
  topics: readonly string[];
  /**
   * The sender names its own topics (the generic webhook): `topics` lists only the fallback, and a
   * recipe may name any topic. Otherwise a recipe naming a topic outside `topics` does not compile.
   */
  topicsOpen?: boolean;
  /** Documented aliases a recipe may use instead (alias → real topic). */
  topicAliases?: Readonly<Record<string, string>>;
  /** Deliveries answered 2xx without starting runs (e.g. Intercom's `ping`). */
  ignoredTopics?: readonly string[];
  /** Handshakes answered synchronously instead of ingested (Dropbox's GET challenge, Zoom's URL validation). */
  challenge?: WebhookChallenge<C>;
}

/** One row of the failure classification table: first match wins, connector rules before the defaults. */
export interface StatusRule {
  /** A status, a list, or an inclusive range. */
  status: number | readonly number[] | { from: number; to: number };
  kind: FailureKind;
  /** Further condition on the parsed body (e.g. Google's 403 `rateLimitExceeded`). */
  when?: (body: unknown, response: HttpResponse) => boolean;
}

/** How a connector reads its vendor's responses: extra status rules, error messages, 200-with-error quirks. */
export interface VendorProfile {
  /** Vendor name used in messages ("401 from Jira: ..."). */
  vendor: string;
  rules?: readonly StatusRule[];
  /** Replace the default rules entirely instead of extending them. */
  replaceDefaultRules?: boolean;
  /** Header with the reset time as unix seconds (e.g. Intercom's `X-RateLimit-Reset`), used when there is no Retry-After. */
  rateLimitResetHeader?: string;
  /** The wait a vendor states in its 429 body instead of a header (Amplitude's throttling and daily quota), used when neither header is there. */
  rateLimitDelayMs?(body: unknown, response: HttpResponse, now: number): number | undefined;
  /** Vendor message (and blamed field, code) from an error body. */
  errorDetails?(body: unknown, response: HttpResponse): { message?: string; field?: string; code?: string };
  /** Classify a success-status response that is really an error (Slack `ok:false`); undefined = success. */
  inspect?(response: HttpResponse): { kind: FailureKind; message: string; code?: string; field?: string } | undefined;
  /** Extra request headers for every call (e.g. `Accept`, `Intercom-Version`). */
  headers?: Record<string, string>;
}

export interface ConnectorDefinition<C = unknown> {
  id: string;
  name: string;
  category: ConnectorCategory;
  description: string;
  auth: AuthDefinition<C>;
  /** Default base URL (a function when it depends on the credentials, e.g. Mailchimp's data center); a connection may override it. */
  baseUrl: string | ((credentials: C) => string) | null;
  /**
   * Further API hosts of the same vendor by name (Dropbox uploads to `content.dropboxapi.com`);
   * an action selects one with `request({ host })`, and auth applies there as on the base URL. A
   * connection's base URL override replaces every host (a fake or proxy serves all paths).
   */
  hosts?: Readonly<Record<string, string>>;
  vendor: VendorProfile;
  /** A cheap call that proves the credentials work. */
  validate?(ctx: ActionContext<C>): Promise<void>;
  actions: Readonly<Record<string, ActionDefinition<z.ZodType, z.ZodType, C>>>;
  pollingTriggers: Readonly<Record<string, PollingTriggerDefinition<z.ZodType, z.ZodType, C>>>;
  webhookSource?: WebhookSourceDefinition<C>;
}

export type { HttpResponse };
