import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { z } from 'zod';
import { recipeIdPattern } from '../../recipe/schema';
import { runsQuery, runStatuses, type RunListStatus } from '../../temporal/run-query';
import { RecipeId, RecipeVersion, RunStatus, TriggerEvent } from '../../temporal/search-attributes';
import { HttpError } from '../errors';

const executionStatusName: Record<string, RunListStatus> = {
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
};

/** Our status from Temporal's execution status and the run's RunStatus attribute. */
export function runStatusOf(executionStatus: string, runStatusAttribute: string | undefined): string {
  if (executionStatus === 'RUNNING') return runStatusAttribute === 'waiting' ? 'waiting' : 'running';
  return executionStatusName[executionStatus] ?? executionStatus.toLowerCase();
}

const since = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), {
  message: 'expected an ISO 8601 time like 2026-11-27T08:00:00Z (or a date like 2026-11-27)',
});

/** The filters, parsed strictly (a bad value is a 400 naming the query parameter). */
const filtersSchema = z.strictObject({
  recipe: z.string().regex(recipeIdPattern, { message: 'expected a recipe id (lowercase letters, digits and -)' }).optional(),
  status: z.enum(runStatuses, { message: `expected one of ${runStatuses.join(', ')}` }).optional(),
  event: z.string().regex(/^[A-Za-z0-9_.:/-]{1,200}$/, { message: 'expected an event topic like conversation.user.created' }).optional(),
  since: since.optional(),
  open: z.enum(['true', 'false'], { message: 'expected true or false' }).transform((v) => v === 'true').optional(),
  build: z.string().regex(/^[A-Za-z0-9@+._:-]{1,255}$/, { message: 'expected a worker build id like @temporalio/worker@1.24.0+<sha256> or a SWITCHYARD_BUILD_ID' }).optional(),
  limit: z.coerce.number({ message: 'expected a whole number' }).int({ message: 'expected a whole number' }).min(1, { message: 'expected at least 1' }).max(1000, { message: 'expected at most 1000' }).optional(),
  cursor: z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'expected the nextCursor of a previous page' }).optional(),
});
export type RunFilters = z.output<typeof filtersSchema>;

const described = (text: string) => z.string().optional().describe(text);

/** The same parameters for the OpenAPI document; values are checked by `parseRunFilters`. */
export const runFiltersQuery = z.object({
  recipe: described('only runs of this recipe id'),
  status: described(`one of ${runStatuses.join(', ')}`),
  event: described('only runs started by this event topic (the TriggerEvent attribute)'),
  since: described('only runs started at or after this ISO 8601 time'),
  open: described('true: only runs still open (running or waiting)'),
  build: described("only runs a worker of this build id advanced (Temporal's BuildIds attribute); with open=true, what an old build still has in flight"),
  limit: described('page size, 1–1000 (default 50)'),
  cursor: described('nextCursor of the previous page'),
});

export function parseRunFilters(query: Record<string, unknown>, extra: string[] = []): RunFilters {
  const given = Object.fromEntries(Object.entries(query).filter(([k]) => !extra.includes(k)));
  const result = filtersSchema.safeParse(given);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => {
    const parameter = String(i.path[0] ?? (i as { keys?: string[] }).keys?.[0] ?? '');
    const message = i.code === 'unrecognized_keys' ? `unknown query parameter (known: ${[...Object.keys(filtersSchema.shape), ...extra].join(', ')})` : i.message;
    return { parameter, message };
  });
  const first = issues[0]!;
  throw new HttpError(400, 'invalid_query', `query.${first.parameter}: ${first.message}`, { issues });
}

/** The visibility query: recipe runs only, plus the filters. */
function visibilityQuery(filters: RunFilters, connectionId?: string): string {
  return runsQuery({
    connectionId,
    recipeId: filters.recipe,
    event: filters.event,
    status: filters.status,
    open: filters.open,
    buildId: filters.build,
    startedSince: filters.since === undefined ? undefined : new Date(filters.since),
  });
}

export interface RunRow {
  runId: string;
  recipeId: string | null;
  recipeVersion: string | null;
  event: string | null;
  status: string;
  startedAt: string;
  closedAt: string | null;
  temporalRunId: string;
}

export const runRowSchema = z.object({
  runId: z.string().describe('the workflow id, e.g. run/<recipe>/<hash>'),
  recipeId: z.string().nullable(),
  recipeVersion: z.string().nullable().describe('hash of the recipe version the run is pinned to'),
  event: z.string().nullable(),
  status: z.string(),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  temporalRunId: z.string(),
});

export const runRowColumns = ['runId', 'recipeId', 'recipeVersion', 'event', 'status', 'startedAt', 'closedAt', 'temporalRunId'] as const;

/** One page of runs from Temporal visibility (only runs using `connectionId` when given); `cursor` is Temporal's nextPageToken, base64url. */
export async function listRunsPage(client: Client, filters: RunFilters, pageSize: number, cursor: string | undefined, connectionId?: string): Promise<{ runs: RunRow[]; nextCursor: string | null }> {
  if (cursor !== undefined && !isPageToken(cursor)) throw badCursor();
  let response;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: visibilityQuery(filters, connectionId),
      pageSize,
      nextPageToken: cursor ? Buffer.from(cursor, 'base64url') : undefined,
    });
  } catch (err) {
    // UNKNOWN / INVALID_ARGUMENT: with a well-formed query only the page token can be at fault.
    const code = (err as { code?: number }).code;
    if (cursor && (code === 2 || code === 3)) throw badCursor();
    throw err;
  }
  const runs: RunRow[] = [];
  for (const raw of response.executions ?? []) {
    // The memo is not listed, and skipping it keeps one undecodable memo (a key this process lacks) from failing the page.
    const info = await executionInfoFromRaw(withoutMemo(raw), client.options.loadedDataConverter, undefined, client.options.namespace);
    const attrs = info.typedSearchAttributes;
    runs.push({
      runId: info.workflowId,
      recipeId: attrs.get(RecipeId) ?? null,
      recipeVersion: attrs.get(RecipeVersion) ?? null,
      event: attrs.get(TriggerEvent) ?? null,
      status: runStatusOf(info.status.name, attrs.get(RunStatus)),
      startedAt: info.startTime.toISOString(),
      closedAt: info.closeTime?.toISOString() ?? null,
      temporalRunId: info.runId,
    });
  }
  const token = response.nextPageToken;
  return { runs, nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null };
}

/** Temporal's visibility stores (SQL and Elasticsearch) issue JSON page tokens; junk is refused before it costs a round of retries. */
function isPageToken(cursor: string): boolean {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object';
  } catch {
    return false;
  }
}

function badCursor(): HttpError {
  return new HttpError(400, 'invalid_query', 'query.cursor: not a cursor this server issued (or it expired); start again without cursor', { issues: [{ parameter: 'cursor', message: 'unknown cursor' }] });
}

/** The raw execution with its memo hidden (a protobuf message keeps defaults on its prototype, so it is wrapped, not spread). */
function withoutMemo<T extends object>(raw: T): T {
  return Object.assign(Object.create(raw) as T, { memo: null });
}
