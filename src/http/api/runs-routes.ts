import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { ApprovalDecision, ResumePayload } from '../../../workflows/messages';
import type { RunSummary, StepState } from '../../../workflows/plan';
import { RecipeId, RecipeVersion, RunStatus, TriggerEvent } from '../../temporal/search-attributes';
import type { Logger } from '../../logging';
import { HttpError } from '../errors';
import { streamExport } from './export-stream';
import { defineRoute, type AnswersOf, type ApiRoute } from './route';
import { stepTimings, type StepTiming } from './run-timings';
import { listRunsPage, parseRunFilters, runFiltersQuery, runRowColumns, runRowSchema, runStatusOf, type RunRow } from './run-listing';
import { runRecipeWorkflowType } from '../../temporal/run-query';
import { blockedDestinationCode } from '../../../connectors/sdk/ssrf';

export interface RunRoutesDeps {
  client: Client;
  /** How long a `state` query may take before the detail answers without it (default 10 s). */
  queryDeadlineMs?: number;
  logger?: Logger;
  /** The durable inbox: a run acknowledged but not yet started in Temporal is answered from there, as `queued`. */
  inbox?: { queuedRun(runId: string): Promise<{ recipeId: string; receivedAt: string; topic: string | null } | undefined> };
}

/** What to do about a step error, by kind (FailureType, or the interpreter's own kinds). */
const hints: Record<string, string> = {
  Retryable: 'the vendor or the network kept failing until the retries ran out; check the vendor, then retry the run',
  RateLimited: 'the vendor kept rate-limiting the calls; retry the run later or lower the volume',
  AuthLost: 'the connection lost its authorization; update its credentials and the waiting run resumes',
  InvalidInput: "the vendor rejected the step's input; fix the recipe's input for this step, then retry the run",
  Fatal: 'the vendor refused the call or answered outside its contract; read the message, fix the recipe or connection, then retry',
  ConnectionUnavailable: 'the connection is missing, paused or disconnected; resume or reconnect it',
  Timeout: "the step (or its wait) ran out of time; raise the step's timeout or retry the run",
  Rejected: 'an approver rejected the step',
  Template: "a template in the step's input did not render; check the paths it references",
  Condition: 'a when condition could not be evaluated; check its json-logic',
  Cancelled: 'the run was cancelled',
};

const blockedDestinationHint =
  "the SSRF guard blocked the destination before anything was sent (the vendor was never called); if that address is intended (a self-hosted vendor), add it to SWITCHYARD_EGRESS_ALLOW, otherwise fix the connection's base URL, then retry the run";

const stepErrorSchema = z.object({ kind: z.string(), message: z.string(), hint: z.string().optional() });
const runDetailSchema = runRowSchema.extend({
  status: z.string().describe('queued (acknowledged, waiting in the durable inbox for Temporal), running, waiting, succeeded, failed, …'),
  temporalRunId: z.string().nullable().describe('null while queued'),
  executionStatus: z.string().describe("Temporal's execution status; QUEUED while the run waits in the inbox"),
  durationMs: z.number().nullable(),
  historyLength: z.number(),
  skipped: z.boolean().optional(),
  steps: z
    .array(
      z.object({
        id: z.string(),
        status: z.string(),
        attempts: z.number().optional(),
        condition: z.boolean().optional(),
        waitingFor: z.string().optional(),
        progress: z.object({ total: z.number(), done: z.number(), failed: z.number() }).optional(),
        input: z.unknown().optional(),
        output: z.unknown().optional(),
        error: stepErrorSchema.optional(),
        timing: z
          .object({ scheduledAt: z.string(), startedAt: z.string().optional(), closedAt: z.string().optional(), durationMs: z.number().optional() })
          .optional()
          .describe('action steps: first scheduled, last attempt started, closed'),
      }),
    )
    .nullable()
    .describe('per-step state from the run itself (null when the run could not be asked)'),
  error: stepErrorSchema.extend({ stepId: z.string() }).optional(),
  stateUnavailable: z.string().optional(),
});
const runPage = z.object({ runs: z.array(runRowSchema), nextCursor: z.string().nullable() });

/** What the run routes answer, for clients (the CLI) that read them. */
export type RunAnswers = AnswersOf<{ page: typeof runPage; detail: typeof runDetailSchema }>;

const approveBody = z.strictObject({
  approved: z.boolean(),
  by: z.string().min(1).max(200).optional().describe('who you say decided: kept as a comment; the approver recorded is the calling token'),
  comment: z.string().max(2000).optional(),
  stepId: z.string().min(1).optional().describe('the waitFor step to answer; default: the approval waited for now (or next)'),
});
const signalBody = z.strictObject({
  signal: z.string().min(1).max(200).describe('the waitFor.signal name'),
  payload: z.unknown().optional().describe('becomes the step’s output'),
});
const exportQuery = runFiltersQuery.extend({ format: z.string().optional().describe('ndjson (default) or csv') });

const accepted = z.object({ runId: z.string(), accepted: z.literal(true) });

/**
 * Runs, straight from Temporal (visibility for lists, the run's `state` query for details); only
 * `runRecipe` executions. Run ids contain slashes: clients percent-encode them in the path.
 */
export function runRoutes(deps: RunRoutesDeps): ApiRoute[] {
  const { client } = deps;
  /** The run's handle and description, or 404 when there is no such recipe run. */
  const mustFind = async (runId: string) => {
    const handle = client.workflow.getHandle(runId);
    try {
      const description = await handle.describe();
      if (description.type === runRecipeWorkflowType) return { handle, description };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    throw new HttpError(404, 'unknown_run', `no recipe run with id ${runId}`, { runId });
  };
  const mustBeRunning = async (runId: string) => {
    const found = await mustFind(runId);
    if (found.description.status.name !== 'RUNNING') throw notRunning(runId, found.description.status.name);
    return found;
  };
  /** Signals a run; a run that closed since it was checked is a 409 too. */
  const deliver = async (runId: string, send: () => Promise<void>) => {
    try {
      await send();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notRunning(runId, 'closed');
      throw err;
    }
  };

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/runs',
      scope: 'runs:read',
      tag: 'runs',
      summary: 'List recipe runs from Temporal visibility (open runs, then the most recently closed); page with nextCursor',
      query: runFiltersQuery,
      response: runPage,
      handler: async ({ req }) => {
        const filters = parseRunFilters(req.query);
        return { status: 200, body: await listRunsPage(client, filters, filters.limit ?? 50, filters.cursor) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/runs/export',
      scope: 'runs:read',
      tag: 'runs',
      summary: 'Export the runs matching the same filters, streamed page by page (?format=ndjson|csv; limit caps the total)',
      query: exportQuery,
      handler: async ({ req, res }) => {
        const { format = 'ndjson', ...rest } = req.query as Record<string, unknown>;
        if (format !== 'ndjson' && format !== 'csv') throw new HttpError(400, 'invalid_query', 'query.format: expected ndjson or csv', { issues: [{ parameter: 'format', message: 'expected ndjson or csv' }] });
        const filters = parseRunFilters(rest);
        await streamExport(res, {
          name: 'runs',
          format,
          columns: runRowColumns,
          cells: (row: RunRow) => runRowColumns.map((c) => row[c]),
          page: async (size, cursor) => {
            const { runs, nextCursor } = await listRunsPage(client, filters, size, cursor);
            return { rows: runs, nextCursor };
          },
          cursor: filters.cursor,
          cap: filters.limit,
          logger: deps.logger,
        });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/runs/:id',
      scope: 'runs:read',
      tag: 'runs',
      summary: 'One run: per-step status, attempts, errors with kind and hint, rendered inputs and outputs',
      response: runDetailSchema,
      handler: async ({ params }) => {
        const found = await mustFind(params.id!).catch(async (err: unknown) => {
          const queued = err instanceof HttpError && err.status === 404 ? await deps.inbox?.queuedRun(params.id!) : undefined;
          if (!queued) throw err;
          return { queued };
        });
        if ('queued' in found) return { status: 200, body: queuedRun(params.id!, found.queued) };
        const { handle, description } = found;
        const attrs = description.typedSearchAttributes;
        const executionStatus = description.status.name;
        const [state, timings] = await Promise.all([
          summaryOf(client, handle, executionStatus === 'RUNNING', deps.queryDeadlineMs ?? 10_000),
          stepTimings(client, handle).catch((): Record<string, StepTiming> => ({})),
        ]);
        const row: RunRow = {
          runId: description.workflowId,
          recipeId: attrs.get(RecipeId) ?? null,
          recipeVersion: attrs.get(RecipeVersion) ?? null,
          event: attrs.get(TriggerEvent) ?? null,
          status: runStatusOf(executionStatus, attrs.get(RunStatus)),
          startedAt: description.startTime.toISOString(),
          closedAt: description.closeTime?.toISOString() ?? null,
          temporalRunId: description.runId,
        };
        const summary = state.summary;
        return {
          status: 200,
          body: {
            ...row,
            executionStatus,
            durationMs: description.closeTime ? description.closeTime.getTime() - description.startTime.getTime() : null,
            historyLength: description.historyLength,
            ...(summary?.skipped ? { skipped: true } : {}),
            steps: summary ? Object.entries(summary.steps).map(([id, s]) => stepView(id, s, timings[id])) : null,
            ...(summary?.error ? { error: { ...summary.error, ...hintOf(summary.error) } } : {}),
            ...(state.unavailable ? { stateUnavailable: state.unavailable } : {}),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/runs/:id/cancel',
      scope: 'runs:write',
      tag: 'runs',
      summary: 'Cancel a running run (steps in flight are cancelled; the run ends as cancelled)',
      response: accepted,
      successStatus: 202,
      handler: async ({ params }) => {
        const { handle } = await mustBeRunning(params.id!);
        await deliver(params.id!, () => handle.cancel().then(() => undefined));
        return { status: 202, body: { runId: params.id!, accepted: true } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/runs/:id/approve',
      scope: 'runs:write',
      tag: 'runs',
      summary: 'Approve or reject a waitFor approval step',
      body: approveBody,
      response: accepted,
      successStatus: 202,
      handler: async ({ params, body, token }) => {
        const { handle } = await mustBeRunning(params.id!);
        const comment = [body.by && `on behalf of ${body.by}`, body.comment].filter(Boolean).join(': ');
        const decision: ApprovalDecision = { approved: body.approved, by: `${token.name} (${token.id})`, ...(comment ? { comment } : {}), ...(body.stepId ? { stepId: body.stepId } : {}) };
        await deliver(params.id!, () => handle.signal<[ApprovalDecision]>('approval', decision));
        return { status: 202, body: { runId: params.id!, accepted: true } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/runs/:id/signal',
      scope: 'runs:write',
      tag: 'runs',
      summary: 'Resume a waitFor signal step; the payload becomes its output',
      body: signalBody,
      response: accepted,
      successStatus: 202,
      handler: async ({ params, body }) => {
        const { handle } = await mustBeRunning(params.id!);
        const resume: ResumePayload = { signal: body.signal, ...(body.payload !== undefined ? { payload: body.payload } : {}) };
        await deliver(params.id!, () => handle.signal<[ResumePayload]>('resume', resume));
        return { status: 202, body: { runId: params.id!, accepted: true } };
      },
    }),
  ];
}

/** A run acknowledged and waiting in the durable inbox: no Temporal execution yet. */
function queuedRun(runId: string, queued: { recipeId: string; receivedAt: string; topic: string | null }): z.output<typeof runDetailSchema> {
  return {
    runId,
    recipeId: queued.recipeId,
    recipeVersion: null,
    event: queued.topic,
    status: 'queued',
    startedAt: queued.receivedAt,
    closedAt: null,
    temporalRunId: null,
    executionStatus: 'QUEUED',
    durationMs: null,
    historyLength: 0,
    steps: null,
    stateUnavailable: 'the event was acknowledged and waits in the durable inbox; the run starts once Temporal takes it (startedAt is when the event was received)',
  };
}

function notRunning(runId: string, status: string): HttpError {
  return new HttpError(409, 'run_not_running', `run ${runId} is not running (${status.toLowerCase()})`, { runId, status: status.toLowerCase() });
}

/** Hints follow the error's real cause: a destination the SSRF guard blocked was never called, whatever the kind says. */
function hintOf(error: { kind: string; message: string }): { hint?: string } {
  if (error.message.includes(`${blockedDestinationCode}:`)) return { hint: blockedDestinationHint };
  return hints[error.kind] ? { hint: hints[error.kind] } : {};
}

function stepView(id: string, s: StepState, timing: StepTiming | undefined) {
  return {
    id,
    status: s.status,
    ...(s.attempts !== undefined || timing?.attempts !== undefined ? { attempts: s.attempts ?? timing?.attempts } : {}),
    ...(s.condition !== undefined ? { condition: s.condition } : {}),
    ...(s.waitingFor !== undefined ? { waitingFor: s.waitingFor } : {}),
    ...(s.progress ? { progress: s.progress } : {}),
    ...(s.input !== undefined ? { input: s.input } : {}),
    ...(s.output !== undefined ? { output: s.output } : {}),
    ...(s.error ? { error: { ...s.error, ...hintOf(s.error) } } : {}),
    ...(timing ? { timing: { scheduledAt: timing.scheduledAt, startedAt: timing.startedAt, closedAt: timing.closedAt, durationMs: timing.durationMs } } : {}),
  };
}

/**
 * The run's own summary. A closed run's result (or its failure's details) holds it without a
 * worker; otherwise (open, cancelled, terminated) the `state` query asks the run, within a deadline.
 */
async function summaryOf(client: Client, handle: WorkflowHandle, running: boolean, deadlineMs: number): Promise<{ summary?: RunSummary; unavailable?: string }> {
  if (!running) {
    try {
      return { summary: (await handle.result()) as RunSummary };
    } catch (err) {
      if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.details?.[0]) return { summary: err.cause.details[0] as RunSummary };
    }
  }
  try {
    return { summary: await client.withDeadline(Date.now() + deadlineMs, () => handle.query<RunSummary>('state')) };
  } catch (err) {
    return { unavailable: `the run did not answer its state query (${(err as Error).message}); is a worker running?` };
  }
}
