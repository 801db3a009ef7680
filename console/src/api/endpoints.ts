import { request } from './client';
import type {
  ActivityEntry,
  ApiScope,
  ApiToken,
  Connection,
  ConnectionTest,
  ConnectorDetail,
  ConnectorSummary,
  DryRun,
  InboundLogDetail,
  InboundLogEntry,
  IssuedToken,
  LogPage,
  OutgoingLogEntry,
  RecipeDetail,
  RecipePut,
  RecipeSummary,
  RecipeValidation,
  RecipeVersions,
  RecipeVersionSource,
  RetryAnswer,
  RunDetail,
  RunPage,
  SessionAnswer,
  SyncDetail,
  SyncSource,
  SyncState,
  SyncSummary,
  VendorCall,
  WebhookDelivery,
  WebhookDeliveryDetail,
} from './types';

const q = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  return search.size ? `?${search}` : '';
};
const id = encodeURIComponent;

/** The filters every log takes (connection, time window) and its page cursor. */
type LogFilter = {
  connection?: string;
  since?: string;
  until?: string;
  cursor?: string;
};

/** The typed calls the console makes; each is one /api/v1 operation (see /openapi.json). */
export const api = {
  session: {
    get: () => request<SessionAnswer>('GET', '/api/v1/session'),
    signIn: (token: string) => request<SessionAnswer>('POST', '/api/v1/session', { token }),
    signOut: () => request<void>('DELETE', '/api/v1/session'),
  },
  connectors: {
    list: (filter: { q?: string; category?: string } = {}) => request<{ connectors: ConnectorSummary[] }>('GET', `/api/v1/connectors${q(filter)}`),
    get: (connector: string) => request<ConnectorDetail>('GET', `/api/v1/connectors/${id(connector)}`),
  },
  connections: {
    list: () => request<{ connections: Connection[] }>('GET', '/api/v1/connections'),
    get: (connection: string) => request<Connection>('GET', `/api/v1/connections/${id(connection)}`),
    create: (body: { id: string; connector: string; name: string; credentials?: unknown; baseUrl?: string | null }) => request<Connection>('POST', '/api/v1/connections', body),
    update: (connection: string, body: { name?: string; credentials?: unknown; baseUrl?: string | null }) => request<Connection>('PATCH', `/api/v1/connections/${id(connection)}`, body),
    remove: (connection: string) => request<void>('DELETE', `/api/v1/connections/${id(connection)}`),
    test: (connection: string) => request<ConnectionTest>('POST', `/api/v1/connections/${id(connection)}/test`),
    pause: (connection: string, reason?: string) => request<Connection>('POST', `/api/v1/connections/${id(connection)}/pause`, reason ? { reason } : {}),
    resume: (connection: string) => request<Connection>('POST', `/api/v1/connections/${id(connection)}/resume`),
    activity: (connection: string, limit = 20) => request<{ entries: ActivityEntry[] }>('GET', `/api/v1/connections/${id(connection)}/activity?limit=${limit}`),
    /** OAuth2 consent: the server answers where to send the browser (another team's route, #17). */
    oauthStart: (connector: string, connectionId: string) => request<{ authorizeUrl: string }>('POST', '/api/v1/connections/oauth/start', { connector, connectionId }),
  },
  recipes: {
    list: () => request<{ recipes: RecipeSummary[] }>('GET', '/api/v1/recipes'),
    get: (recipe: string) => request<RecipeDetail | SyncSource>('GET', `/api/v1/recipes/${id(recipe)}`),
    put: (recipe: string, source: unknown) => request<RecipePut>('PUT', `/api/v1/recipes/${id(recipe)}`, source),
    remove: (recipe: string) => request<void>('DELETE', `/api/v1/recipes/${id(recipe)}`),
    /** Compiles without storing: 200 with warnings, or an ApiError 422 whose details hold every diagnostic. */
    validate: (source: unknown) => request<RecipeValidation>('POST', '/api/v1/recipes/validate', source),
    enable: (recipe: string) => request<RecipeSummary>('POST', `/api/v1/recipes/${id(recipe)}/enable`),
    disable: (recipe: string) => request<RecipeSummary>('POST', `/api/v1/recipes/${id(recipe)}/disable`),
    versions: (recipe: string) => request<RecipeVersions>('GET', `/api/v1/recipes/${id(recipe)}/versions`),
    version: (recipe: string, version: number) => request<RecipeVersionSource>('GET', `/api/v1/recipes/${id(recipe)}/versions/${version}`),
    /** Dry run of the stored recipe: no side effects, actions answer with sample outputs. */
    test: (recipe: string, body: { event: unknown; topic?: string }) => request<DryRun>('POST', `/api/v1/recipes/${id(recipe)}/test`, body),
  },
  syncs: {
    list: () => request<{ syncs: SyncSummary[] }>('GET', '/api/v1/syncs'),
    get: (sync: string) => request<SyncDetail>('GET', `/api/v1/syncs/${id(sync)}`),
    enable: (sync: string) => request<SyncState>('POST', `/api/v1/syncs/${id(sync)}/enable`),
    disable: (sync: string) => request<SyncState>('POST', `/api/v1/syncs/${id(sync)}/disable`),
  },
  runs: {
    list: (filter: { recipe?: string; status?: string; event?: string; since?: string; cursor?: string; limit?: string } = {}) => request<RunPage>('GET', `/api/v1/runs${q(filter)}`),
    get: (run: string) => request<RunDetail>('GET', `/api/v1/runs/${id(run)}`),
    retry: (run: string, from: 'failed' | 'start' = 'failed') => request<RetryAnswer>('POST', `/api/v1/runs/${id(run)}/retry`, { from }),
    approve: (run: string, body: { approved: boolean; stepId?: string; comment?: string }) => request<{ runId: string }>('POST', `/api/v1/runs/${id(run)}/approve`, body),
    cancel: (run: string) => request<{ runId: string }>('POST', `/api/v1/runs/${id(run)}/cancel`),
  },
  logs: {
    inbound: (filter: LogFilter & { outcome?: string; topic?: string }) => request<LogPage<InboundLogEntry>>('GET', `/api/v1/logs/inbound${q(filter)}`),
    inboundEntry: (entry: string) => request<InboundLogDetail>('GET', `/api/v1/logs/inbound/${id(entry)}`),
    outgoing: (filter: LogFilter & { status?: string }) => request<LogPage<OutgoingLogEntry>>('GET', `/api/v1/logs/outgoing${q(filter)}`),
    vendorCalls: (filter: Omit<LogFilter, 'until'>) => request<LogPage<VendorCall>>('GET', `/api/v1/logs/vendor-calls${q(filter)}`),
    /** Where the browser downloads a log's export (the session cookie authenticates the GET). */
    exportUrl: (log: 'inbound' | 'outgoing' | 'vendor-calls', format: 'csv' | 'ndjson', filter: Record<string, string | undefined>) => `/api/v1/logs/${log}/export${q({ ...filter, format })}`,
  },
  webhooks: {
    delivery: (subscription: string, messageId: string) => request<WebhookDeliveryDetail>('GET', `/api/v1/webhooks/${id(subscription)}/deliveries/${id(messageId)}`),
    redeliver: (subscription: string, messageId: string) => request<WebhookDelivery>('POST', `/api/v1/webhooks/${id(subscription)}/deliveries/${id(messageId)}/redeliver`),
  },
  tokens: {
    list: () => request<{ tokens: ApiToken[] }>('GET', '/api/v1/tokens'),
    create: (body: { name: string; scopes: ApiScope[]; expiresIn?: string }) => request<IssuedToken>('POST', '/api/v1/tokens', body),
    rotate: (token: string) => request<IssuedToken>('POST', `/api/v1/tokens/${id(token)}/rotate`, {}),
    revoke: (token: string) => request<void>('DELETE', `/api/v1/tokens/${id(token)}`),
  },
};
