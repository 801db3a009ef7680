import { z } from 'zod';
import type { Logger } from '../../logging';
import type { ApiScope } from '../../security/scopes';
import { inboundOutcomes, type InboundLog, type InboundLogRow } from '../../store/inbound-log';
import type { DeliveryLog, OutgoingLogEntry } from '../../webhooks-out/delivery-log';
import { HttpError } from '../errors';
import type { VendorCall, vendorCalls } from './connection-activity';
import { activityEntrySchema } from './connections-routes';
import { exportFormat, streamExport, type ExportOptions, type RowPage } from './export-stream';
import { defineRoute, type AnswersOf, type ApiRoute } from './route';
import { attemptSchema, deliverySchema } from './webhooks-routes';

export interface LogRoutesDeps {
  inbound: Pick<InboundLog, 'list' | 'get'>;
  outgoing: Pick<DeliveryLog, 'logEntries'>;
  vendorCalls: ReturnType<typeof vendorCalls>;
  logger?: Pick<Logger, 'warn'>;
}

/** An ISO 8601 time, normalised to UTC (the logs store `toISOString()` text and compare it as text). */
const isoTime = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 time like 2026-11-27T08:00:00Z' })
  .transform((v) => new Date(v).toISOString());
const cursor = z.string().regex(/^[A-Za-z0-9_-]{1,2000}$/, { message: 'expected the nextCursor of a previous page' }).optional().describe('nextCursor of the previous page');
const pageLimit = z.coerce.number().int().min(1).max(500).default(50).describe('page size, 1–500 (default 50)');
const exportCap = z.coerce.number().int().min(1).optional().describe('at most this many rows (default: all)');
const connection = z.string().min(1).max(200).optional().describe('only this connection (the per-connection view)');

/** Keyset cursors of the store-backed logs: the last row's sort key, base64url JSON. */
const encodeCursor = (key: string[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');
function decodeCursor(value: string | undefined, length: number): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length && key.every((k) => typeof k === 'string')) return key;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'invalid_query', 'query.cursor: not a cursor this server issued; start again without cursor', { issues: [{ parameter: 'cursor', message: 'unknown cursor' }] });
}

// --- inbound --------------------------------------------------------------------------------

const inboundFilters = z.strictObject({
  connection,
  outcome: z.enum(inboundOutcomes).optional().describe(`one of ${inboundOutcomes.join(', ')}`),
  topic: z.string().min(1).max(200).optional().describe('only deliveries that carried this topic'),
  since: isoTime.optional().describe('received at or after this time'),
  until: isoTime.optional().describe('received before this time'),
  cursor,
});
const inboundEntrySchema = z.object({
  id: z.string(),
  receivedAt: z.string(),
  connectionId: z.string(),
  topic: z.string().nullable().describe('the delivery’s topics, comma-separated when it carried several; null when refused before they were read'),
  outcome: z.enum(inboundOutcomes),
  reason: z
    .string()
    .nullable()
    .describe('rejected: the error code (bad_signature, unknown_connection, payload_too_large, rate_limited, malformed_json, invalid_delivery, unsupported_media_type, store_unavailable, inbox_full, temporal_misconfigured, aborted, …); unmatched: no_recipe, ignored_topic or no_events; accepted: challenge for an answered handshake'),
  detail: z.string().nullable().describe('the rejection’s message (for a bad signature the verifier’s reason, which the sender is not told)'),
  status: z.number().describe('the HTTP status answered'),
  eventCount: z.number(),
  runs: z.array(z.object({ recipeId: z.string(), runId: z.string() })).describe('the runs the delivery started (accepted)'),
  sizeBytes: z.number(),
  hasPayload: z.boolean().describe('whether the body was kept (not for unknown connections or bodies never read)'),
});
const inboundDetailSchema = inboundEntrySchema.extend({
  payload: z.string().nullable().describe('the body exactly as received (UTF-8 text); only for tokens that also hold runs:read, else null'),
  payloadHidden: z.boolean().describe('true when a body is kept but this token lacks runs:read'),
});
const inboundColumns = ['id', 'receivedAt', 'connectionId', 'topic', 'outcome', 'reason', 'detail', 'status', 'eventCount', 'runs', 'sizeBytes'] as const;

// --- outgoing -------------------------------------------------------------------------------

const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
const outgoingFilters = z.strictObject({
  connection: connection.describe('only messages about this connection (its connection.* events, events it received)'),
  subscription: z.string().min(1).max(200).optional().describe('only this webhook subscription'),
  status: z.enum(deliveryStatuses).optional(),
  topic: z.string().min(1).max(200).optional(),
  since: isoTime.optional().describe('messages created at or after this time'),
  until: isoTime.optional().describe('messages created before this time'),
  cursor,
});
const outgoingEntrySchema = deliverySchema.extend({
  connectionId: z.string().nullable().describe('the connection the message is about, if any'),
  lastAttempt: attemptSchema.nullable().describe('the latest attempt: status code, latency, response excerpt (at most 1 KB), error'),
});
const outgoingColumns = ['createdAt', 'subscriptionId', 'messageId', 'topic', 'connectionId', 'status', 'attempts', 'lastStatusCode', 'lastError', 'lastAttemptAt', 'nextAttemptAt', 'latencyMs', 'responseSnippet'] as const;

// --- vendor calls ---------------------------------------------------------------------------

const vendorFilters = z.strictObject({
  connection: connection.describe('only calls through this connection'),
  since: isoTime.optional().describe('runs started at or after this time'),
  cursor,
});
const vendorCallSchema = activityEntrySchema.extend({ connectionId: z.string() });
const vendorColumns = ['runId', 'recipeId', 'connectionId', 'startedAt', 'closedAt', 'runStatus', 'stepId', 'action', 'status', 'attempts', 'errorKind', 'errorMessage'] as const;
const runsPerPage = z.coerce.number().int().min(1).max(100).default(20).describe('runs read per page, 1–100 (default 20); a run contributes each vendor call it made');

const page = <T extends z.ZodType>(entry: T) => z.object({ entries: z.array(entry), nextCursor: z.string().nullable() });

/** What the log routes answer, for clients (the CLI, the console) that read them. */
export type LogAnswers = AnswersOf<{ inbound: typeof inboundEntrySchema; inboundDetail: typeof inboundDetailSchema; outgoing: typeof outgoingEntrySchema; vendorCall: typeof vendorCallSchema }>;

/**
 * `/api/v1/logs/*`: the integration logs (#17). Inbound deliveries (the inbound log), outgoing
 * webhook deliveries across subscriptions (the delivery log) and vendor calls (derived from runs),
 * each filterable by connection, paged with `nextCursor`, and exported as NDJSON or CSV.
 */
export function logRoutes(deps: LogRoutesDeps): ApiRoute[] {
  const tag = 'logs';
  const inboundPage = async (filters: z.output<typeof inboundFilters>, limit: number, after: string | undefined): Promise<RowPage<InboundLogRow>> => {
    const key = decodeCursor(after, 2);
    const rows = await deps.inbound.list({ ...filters, limit, ...(key ? { before: { receivedAt: key[0]!, id: key[1]! } } : {}) });
    const last = rows.at(-1);
    return { rows, nextCursor: rows.length === limit && last ? encodeCursor([last.receivedAt, last.id]) : null };
  };
  const outgoingPage = async (filters: z.output<typeof outgoingFilters>, limit: number, after: string | undefined): Promise<RowPage<OutgoingLogEntry>> => {
    const key = decodeCursor(after, 3);
    const rows = await deps.outgoing.logEntries({ ...filters, limit, ...(key ? { before: { createdAt: key[0]!, messageId: key[1]!, subscriptionId: key[2]! } } : {}) });
    const last = rows.at(-1);
    return { rows, nextCursor: rows.length === limit && last ? encodeCursor([last.createdAt, last.messageId, last.subscriptionId]) : null };
  };
  const vendorPage = async (filters: z.output<typeof vendorFilters>, runs: number, after: string | undefined): Promise<RowPage<VendorCall>> => {
    const { entries, nextCursor } = await deps.vendorCalls(filters, runs, after);
    return { rows: entries, nextCursor };
  };
  const exportOf = <T>(name: string, columns: readonly string[], cells: (row: T) => unknown[]) => ({ name, columns, cells }) satisfies Partial<ExportOptions<T>>;
  const listed = <F extends z.ZodObject, T>(log: ListedLog<F, T>) => listAndExport(log, tag, deps.logger);

  return [
    ...listed({
      path: '/api/v1/logs/inbound',
      scope: 'connections:read',
      summary: 'Inbound webhook deliveries, newest first: outcome (accepted, duplicate, unmatched, rejected) with its reason, the runs started; page with nextCursor',
      exportSummary: 'Export the inbound deliveries matching the same filters, streamed (?format=ndjson|csv; limit caps the total; no bodies)',
      filters: inboundFilters,
      entry: inboundEntrySchema,
      page: inboundPage,
      export: exportOf('inbound-log', inboundColumns, (r: InboundLogRow) => [r.id, r.receivedAt, r.connectionId, r.topic, r.outcome, r.reason, r.detail, r.status, r.eventCount, r.runs.map((x) => x.runId).join(' '), r.sizeBytes]),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/logs/inbound/:id',
      scope: 'connections:read',
      tag,
      summary: 'One inbound delivery with its body as received (the body only for tokens that also hold runs:read, as run inputs are)',
      response: inboundDetailSchema,
      handler: async ({ params, token }) => {
        const entry = await deps.inbound.get(params.id!);
        if (!entry) throw new HttpError(404, 'unknown_log_entry', `no inbound log entry with id ${params.id} (pruned after SWITCHYARD_INBOUND_LOG_RETENTION?)`, { id: params.id });
        const mayRead = token.scopes.includes('runs:read');
        return { status: 200, body: { ...entry, payload: mayRead ? entry.payload : null, payloadHidden: !mayRead && entry.hasPayload } };
      },
    }),
    ...listed({
      path: '/api/v1/logs/outgoing',
      scope: 'webhooks:read',
      summary: 'Outgoing webhook deliveries across subscriptions, newest message first, each with its last attempt (status, latency, response excerpt); page with nextCursor. Redeliver with POST /api/v1/webhooks/{id}/deliveries/{messageId}/redeliver',
      exportSummary: 'Export the outgoing deliveries matching the same filters, streamed (?format=ndjson|csv; limit caps the total)',
      filters: outgoingFilters,
      entry: outgoingEntrySchema,
      page: outgoingPage,
      export: exportOf('outgoing-log', outgoingColumns, (r: OutgoingLogEntry) => [
        r.createdAt,
        r.subscriptionId,
        r.messageId,
        r.topic,
        r.connectionId,
        r.status,
        r.attempts,
        r.lastStatusCode,
        r.lastError,
        r.lastAttemptAt,
        r.nextAttemptAt,
        r.lastAttempt?.latencyMs,
        r.lastAttempt?.responseSnippet,
      ]),
    }),
    ...listed({
      path: '/api/v1/logs/vendor-calls',
      scope: 'connections:read',
      summary: "Vendor calls made by runs (each action step bound to a connection: status, attempts, error), derived from the runs themselves; a page covers `runs` runs (open first, then the latest closed); page with nextCursor",
      exportSummary: 'Export the vendor calls matching the same filters, streamed (?format=ndjson|csv; limit caps the rows)',
      filters: vendorFilters,
      entry: vendorCallSchema,
      pageSize: { name: 'runs', schema: runsPerPage, exportPage: 100 },
      page: vendorPage,
      export: exportOf('vendor-calls', vendorColumns, (e: VendorCall) => [e.runId, e.recipeId, e.connectionId, e.startedAt, e.closedAt, e.runStatus, e.stepId, e.action, e.status, e.attempts, e.error?.kind, e.error?.message]),
    }),
  ];
}

/** A log that is listed page by page and exported: its path, filters, entry schema, page reader and CSV columns. */
interface ListedLog<F extends z.ZodObject, T> {
  path: string;
  scope: ApiScope;
  summary: string;
  exportSummary: string;
  filters: F;
  entry: z.ZodType;
  /** The list's page-size parameter: `limit` rows (the default), or another name and schema (vendor calls page by `runs`); `exportPage` caps what one export page reads. */
  pageSize?: { name: string; schema: z.ZodType<number>; exportPage: number };
  page(filters: Omit<z.output<F>, 'cursor'>, size: number, after: string | undefined): Promise<RowPage<T>>;
  export: Pick<ExportOptions<T>, 'name' | 'columns' | 'cells'>;
}

/** `GET <path>` (a page of entries and nextCursor) and `GET <path>/export` (the same filters, streamed as NDJSON or CSV). */
function listAndExport<F extends z.ZodObject, T>(log: ListedLog<F, T>, tag: string, logger: Pick<Logger, 'warn'> | undefined): ApiRoute[] {
  const size = log.pageSize ?? { name: 'limit', schema: pageLimit, exportPage: Infinity };
  /** The query without cursor and the named parameters: the filters the page reader takes. */
  const split = (query: Record<string, unknown>, ...names: string[]) => {
    const filters = Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'cursor' && !names.includes(k))) as Omit<z.output<F>, 'cursor'>;
    return { filters, after: query.cursor as string | undefined };
  };
  return [
    defineRoute({
      method: 'get',
      path: log.path,
      scope: log.scope,
      tag,
      summary: log.summary,
      query: log.filters.extend({ [size.name]: size.schema }),
      response: page(log.entry),
      handler: async ({ query }) => {
        const { filters, after } = split(query, size.name);
        const { rows, nextCursor } = await log.page(filters, query[size.name] as number, after);
        return { status: 200, body: { entries: rows, nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${log.path}/export`,
      scope: log.scope,
      tag,
      summary: log.exportSummary,
      query: log.filters.extend({ format: exportFormat, limit: exportCap }),
      handler: async ({ query, res }) => {
        const { filters, after } = split(query, 'format', 'limit');
        await streamExport(res, { ...log.export, format: query.format as z.output<typeof exportFormat>, cap: query.limit as number | undefined, cursor: after, page: (n, at) => log.page(filters, Math.min(n, size.exportPage), at), logger });
        return undefined;
      },
    }),
  ];
}
