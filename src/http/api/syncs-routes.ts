import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { SyncPlan } from '../../../workflows/sync-plan';
import { syncConversationsWorkflowId } from '../../../workflows/sync-conversations-contract';
import { syncWorkflowId, type SyncPausedSignal, type SyncResyncSignal } from '../../../workflows/sync-contract';
import { formatDuration } from '../../../workflows/duration';
import { Refusal } from '../../refusal';
import { applySync, cancelSync, querySyncConversationsStatus, querySyncStatus, signalSync, type SyncApplyOutcome } from '../../sync/control';
import type { SyncConversationLedger } from '../../store/sync-conversations';
import type { Side, StoredSync, StoredSyncEvent, SyncEventKind, SyncStore } from '../../store/syncs';
import { HttpError } from '../errors';
import { defineRoute, type ApiRoute } from './route';

export interface SyncRoutesDeps {
  syncs: SyncStore;
  /** Closed conversations copied to the CRM, and those waiting for a counterpart. */
  transcripts: SyncConversationLedger;
  client: Client;
  /** Where an enabled sync's workflow is started. */
  taskQueue: string;
  /** How long the `sync.status` query may take before the detail answers without it (default 10 s). */
  queryDeadlineMs?: number;
  now?: () => Date;
}

const sideSummary = z.object({ connection: z.string(), connector: z.string(), object: z.string() });
const syncSummary = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  paused: z.boolean().describe('a person paused it (the workflow keeps its cursors and waits)'),
  version: z.number(),
  hash: z.string(),
  left: sideSummary,
  right: sideSummary,
  direction: z.string(),
  frequency: z.string().describe('"realtime" or the poll interval, e.g. "15m"'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const syncDetail = syncSummary.extend({
  definition: z.object({
    match: z.array(z.object({ left: z.string(), right: z.string() })),
    fields: z.array(z.object({ id: z.string(), left: z.array(z.string()), right: z.array(z.string()), transform: z.string(), direction: z.string() })),
    conflicts: z.string(),
    create: z.object({ left: z.boolean(), right: z.boolean() }),
    onDuplicate: z.string(),
    pollMs: z.number(),
  }),
  workflow: z
    .object({
      id: z.string(),
      running: z.boolean(),
      phase: z.string().optional(),
      version: z.string().optional().describe('the definition version (hash) the workflow follows: the stored hash once an apply has reached it'),
      waitingFor: z.string().optional(),
      backfill: z.unknown().optional(),
      verify: z
        .object({ checked: z.number(), unlinked: z.number(), passes: z.number(), after: z.string().optional(), lastAt: z.string().optional() })
        .optional()
        .describe('the check of linked records for deletes no webhook told of (a page of links per poll interval): links checked and unlinked, walks over every link completed, where the walk stands'),
      remap: z
        .object({ version: z.string(), checked: z.number(), writes: z.number(), done: z.boolean(), after: z.string().optional() })
        .optional()
        .describe('the re-evaluation of the linked records after the field mapping changed: the version it brings them to, links checked, records written, whether every link was'),
      unavailable: z.string().optional().describe('why the status is missing: not running, or no worker answered the query in time'),
    })
    .describe('what the sync workflow says it is doing (its sync.status query)'),
  lastCycle: z.object({ left: z.string().nullable(), right: z.string().nullable() }).describe('when each side’s last cycle ended (from the workflow; null when unknown)'),
  records: z.object({
    linked: z.number().describe('pairs of records linked across the sides'),
    written: z.object({ leftToRight: z.number(), rightToLeft: z.number() }).describe('updates written, per direction'),
    created: z.object({ leftToRight: z.number(), rightToLeft: z.number() }).describe('records created, per direction'),
    conflicts: z.number(),
    duplicates: z.number(),
    merged: z.number().describe('duplicates merged away into the oldest record (onDuplicate: merge)'),
    errors: z.number(),
    unlinked: z.number().describe('links undone because a side deleted (or merged away) its record'),
  }),
  cursors: z.object({ left: z.object({ cursor: z.string(), updatedAt: z.string() }).nullable(), right: z.object({ cursor: z.string(), updatedAt: z.string() }).nullable() }),
  conversations: z
    .object({
      to: z.enum(['left', 'right']),
      as: z.string(),
      workflow: z.object({
        id: z.string(),
        running: z.boolean(),
        phase: z.string().optional(),
        waitingFor: z.string().optional(),
        written: z.number().optional().describe('transcripts written by the workflow'),
        unchanged: z.number().optional(),
        unmatched: z.number().optional().describe('times a conversation had no counterpart (each retry counts)'),
        pending: z.number().optional(),
        lastPoll: z.string().optional(),
        unavailable: z.string().optional(),
      }),
      unmatched: z
        .array(z.object({ conversationId: z.string(), contactId: z.string().nullable(), detail: z.record(z.string(), z.unknown()), since: z.string() }))
        .describe('closed conversations with no counterpart for their contact yet (oldest first, at most 100): tried again each cycle'),
    })
    .optional()
    .describe('present when the sync copies closed conversations to the CRM (its `conversations`)'),
});
const problemKinds = ['conflict', 'duplicate', 'error', 'unlink'] as const;
/** Besides the problems: `waiting`, a record written without a "linked" field whose id its via-sync had not linked yet; `merge`, duplicates merged into one (onDuplicate: merge). */
const recordKinds = [...problemKinds, 'waiting', 'merge'] as const;
const recordsQuery = z.strictObject({
  status: z.enum(recordKinds).optional().describe('only records with this kind of event (default: conflict, duplicate, error and unlink; also waiting: a linked field waited for its via-sync; merge: duplicates merged into the record)'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('at most this many records (default 100)'),
});
const eventSchema = z.object({ id: z.string(), kind: z.string(), side: z.string(), recordId: z.string(), otherId: z.string().optional(), detail: z.record(z.string(), z.unknown()), at: z.string() });
const recordSchema = z.object({
  key: z.string().describe('"<side>:<record id>": what POST …/records/:key/resync takes'),
  side: z.enum(['left', 'right']),
  recordId: z.string(),
  status: z.enum(recordKinds).describe('the kind of its newest problem'),
  at: z.string(),
  history: z.array(eventSchema).describe('every event about the record, newest first'),
});
const accepted = z.object({ syncId: z.string(), accepted: z.literal(true) });
const stateAnswer = syncSummary.extend({
  signalled: z.boolean().describe('pause/resume: false when the workflow is not running (the stored state is what it reads when it starts)'),
  workflow: z.enum(['started', 'signalled', 'cancelled', 'none']).describe('what became of the workflow: started (or told the current definition), signalled, cancelled, or none (not running)'),
});
const stateChanges = {
  pause: 'Pause a sync: stored at once (no new version), and the workflow is told to wait, keeping its cursors',
  resume: 'Resume a paused sync: stored at once, and the workflow continues from its cursors',
  enable: 'Enable a sync: its workflow starts and continues from the cursors it kept',
  disable: 'Disable a sync: its workflow is cancelled; links, history and cursors are kept for when it is enabled again',
} as const;

/** What the sync routes answer, for clients (the CLI) that read them. */
export interface SyncAnswers {
  summary: z.output<typeof syncSummary>;
  detail: z.output<typeof syncDetail>;
  records: { records: z.output<typeof recordSchema>[] };
  /** pause, resume, enable and disable */
  state: z.output<typeof stateAnswer>;
}

/**
 * CRM syncs (`"kind": "sync"` definitions, stored through PUT /api/v1/recipes/:id): what each
 * does, from the store's counts and the workflow's own `sync.status`; resync, pause/resume,
 * backfill and delete steer the workflow by the contract's signals (src/sync/control.ts).
 */
export function syncRoutes(deps: SyncRoutesDeps): ApiRoute[] {
  const { syncs, client } = deps;
  const now = () => deps.now?.() ?? new Date();
  /** The conversations part of a sync's detail: its workflow's status and what waits for a counterpart. */
  const conversationsOf = async (sync: StoredSync<SyncPlan>) => {
    const transcripts = sync.plan.transcripts;
    if (!transcripts) return undefined;
    const [answer, unmatched] = await Promise.all([querySyncConversationsStatus(client, sync.id, deps.queryDeadlineMs), deps.transcripts.list(sync.id, 'unmatched')]);
    const status = 'status' in answer ? answer.status : {};
    return {
      to: transcripts.to,
      as: transcripts.as,
      workflow: { id: syncConversationsWorkflowId(sync.id), running: answer.running, ...status, ...('unavailable' in answer ? { unavailable: answer.unavailable } : {}) },
      unmatched: unmatched.map((t) => ({ conversationId: t.conversationId, contactId: t.contactId, detail: t.detail, since: t.updatedAt })),
    };
  };
  const mustGet = async (id: string) => {
    const sync = await syncs.get<SyncPlan>(id);
    if (!sync) throw new HttpError(404, 'unknown_sync', `no sync with id ${id}`, { id });
    return sync;
  };

  /** Tells a running workflow the stored pause flag; one not running reads it when it starts. */
  const signalPaused = async (sync: StoredSync<SyncPlan>): Promise<SyncApplyOutcome> => {
    try {
      const paused: SyncPausedSignal = { paused: sync.paused };
      await signalSync(client, sync.id, 'paused', paused);
      return 'signalled';
    } catch (err) {
      if (!(err instanceof Refusal && err.code === 'sync_not_running')) throw err;
      return 'none';
    }
  };

  /** `POST /api/v1/syncs/:id/<path>`: one of the contract's signals to the running workflow, 202 (409 `sync_not_running` when it is not). */
  const signalRoute = (path: string, summary: string, signal: (params: Record<string, string>) => [signal: Parameters<typeof signalSync>[2], arg?: unknown]) =>
    defineRoute({
      method: 'post',
      path: `/api/v1/syncs/:id/${path}`,
      scope: 'recipes:write',
      tag: 'syncs',
      summary,
      response: accepted,
      successStatus: 202,
      handler: async ({ params }) => {
        const sync = await mustGet(params.id!);
        await signalSync(client, sync.id, ...signal(params));
        return { status: 202, body: { syncId: sync.id, accepted: true } };
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/syncs',
      scope: 'recipes:read',
      tag: 'syncs',
      summary: 'List CRM syncs: sides, direction, frequency, enabled and paused',
      response: z.object({ syncs: z.array(syncSummary) }),
      handler: async () => ({ status: 200, body: { syncs: (await syncs.list<SyncPlan>()).map(summaryOf) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/syncs/:id',
      scope: 'recipes:read',
      tag: 'syncs',
      summary: 'One sync: its definition, the workflow’s status, last cycle per side, records linked, written per direction, conflicts, duplicates, errors and cursor positions',
      response: syncDetail,
      handler: async ({ params }) => {
        const sync = await mustGet(params.id!);
        const [answer, counts, linked, cursors, conversations] = await Promise.all([
          querySyncStatus(client, sync.id, deps.queryDeadlineMs),
          syncs.eventCounts(sync.id),
          syncs.linkCount(sync.id),
          syncs.cursors(sync.id),
          conversationsOf(sync),
        ]);
        const total = (kind: SyncEventKind) => counts[kind].left + counts[kind].right;
        const status = 'status' in answer ? answer.status : undefined;
        const { plan } = sync;
        return {
          status: 200,
          body: {
            ...summaryOf(sync),
            definition: { match: plan.match, fields: plan.fields.map((f) => ({ id: f.id, left: f.left, right: f.right, transform: f.transform, direction: f.direction })), conflicts: plan.conflicts, create: plan.create, onDuplicate: plan.onDuplicate, pollMs: plan.pollMs },
            workflow: {
              id: syncWorkflowId(sync.id),
              running: answer.running,
              ...(status ? { phase: status.phase, ...(status.version ? { version: status.version } : {}), ...(status.waitingFor ? { waitingFor: status.waitingFor } : {}), ...(status.backfill ? { backfill: status.backfill } : {}), ...(status.verify ? { verify: status.verify } : {}), ...(status.remap ? { remap: status.remap } : {}) } : {}),
              ...('unavailable' in answer ? { unavailable: answer.unavailable } : {}),
            },
            lastCycle: { left: status?.lastCycle.left ?? null, right: status?.lastCycle.right ?? null },
            records: {
              linked,
              written: { leftToRight: counts.write.right, rightToLeft: counts.write.left },
              created: { leftToRight: counts.create.right, rightToLeft: counts.create.left },
              conflicts: total('conflict'),
              duplicates: total('duplicate'),
              merged: total('merge'),
              errors: total('error'),
              unlinked: total('unlink'),
            },
            cursors: { left: cursors.left ?? null, right: cursors.right ?? null },
            ...(conversations ? { conversations } : {}),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/syncs/:id/records',
      scope: 'recipes:read',
      tag: 'syncs',
      summary: 'Records with conflicts, duplicates or errors, or unlinked because their counterpart was deleted or merged away (?status=conflict|duplicate|error|unlink), newest first, each with its history',
      query: recordsQuery,
      response: z.object({ records: z.array(recordSchema) }),
      handler: async ({ params, query }) => {
        const sync = await mustGet(params.id!);
        const limit = query.limit ?? 100;
        const problems = (await Promise.all((query.status ? [query.status] : problemKinds).map((kind) => syncs.events(sync.id, { kind, limit: limit * 5 })))).flat();
        problems.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
        // One row per record, at its newest problem.
        const newest = new Map<string, StoredSyncEvent>();
        for (const e of problems) if (!newest.has(keyOf(e.side, e.recordId)) && newest.size < limit) newest.set(keyOf(e.side, e.recordId), e);
        const history = await syncs.history(sync.id, [...new Set([...newest.values()].map((e) => e.recordId))]);
        const records = [...newest.entries()].map(([key, e]) => ({
          key,
          side: e.side,
          recordId: e.recordId,
          status: e.kind as (typeof recordKinds)[number],
          at: e.at,
          history: history.filter((h) => (h.side === e.side && h.recordId === e.recordId) || h.otherId === e.recordId),
        }));
        return { status: 200, body: { records } };
      },
    }),
    signalRoute('records/:key/resync', 'Sync one record again now, ignoring its recorded hashes (key: "left:<id>" or "right:<id>", percent-encoded); 409 when the workflow is not running', (params) => {
      const resync: SyncResyncSignal = parseKey(params.key!);
      return ['resync', resync];
    }),
    ...(['pause', 'resume', 'enable', 'disable'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/api/v1/syncs/:id/${action}`,
        scope: 'recipes:write',
        tag: 'syncs',
        summary: stateChanges[action],
        response: stateAnswer,
        handler: async ({ params }) => {
          const id = params.id!;
          const pausing = action === 'pause' || action === 'resume';
          const sync = pausing ? await syncs.setPaused<SyncPlan>(id, action === 'pause', now()) : await syncs.setEnabled<SyncPlan>(id, action === 'enable', now());
          if (!sync) throw new HttpError(404, 'unknown_sync', `no sync with id ${id}`, { id });
          const workflow = pausing ? await signalPaused(sync) : await applySync(client, deps.taskQueue, sync.id, sync);
          return { status: 200, body: { ...summaryOf(sync), signalled: workflow === 'signalled', workflow } };
        },
      }),
    ),
    signalRoute('backfill', 'Start (or restart from the beginning) the backfill of both sides; 409 when the workflow is not running', () => ['backfill']),
    defineRoute({
      method: 'delete',
      path: '/api/v1/syncs/:id',
      scope: 'recipes:write',
      tag: 'syncs',
      summary: 'Delete a sync with its links, history and cursors, and cancel its workflow if it runs',
      successStatus: 204,
      handler: async ({ params }) => {
        if (!(await deleteSync(syncs, client, params.id!))) throw new HttpError(404, 'unknown_sync', `no sync with id ${params.id!}`, { id: params.id! });
        return { status: 204 };
      },
    }),
  ];
}

/** Removes a sync and everything it kept, then cancels its workflow if it runs; false when there was no such sync. */
export async function deleteSync(syncs: Pick<SyncStore, 'remove'>, client: Client, id: string): Promise<boolean> {
  if (!(await syncs.remove(id))) return false;
  await cancelSync(client, id);
  return true;
}

function keyOf(side: Side, recordId: string): string {
  return `${side}:${recordId}`;
}

function parseKey(key: string): { side: Side; id: string } {
  const match = /^(left|right):(.+)$/.exec(key);
  if (!match) throw new HttpError(400, 'invalid_key', `params.key: expected "left:<record id>" or "right:<record id>", got ${JSON.stringify(key)}`, { parameter: 'key' });
  return { side: match[1] as Side, id: match[2]! };
}

function summaryOf(sync: StoredSync<SyncPlan>) {
  const side = (s: SyncPlan['left']) => ({ connection: s.connection, connector: s.connector, object: s.object });
  const { plan } = sync;
  return {
    id: sync.id,
    name: sync.name,
    enabled: sync.enabled,
    paused: sync.paused,
    version: sync.version,
    hash: sync.hash,
    left: side(plan.left),
    right: side(plan.right),
    direction: plan.direction,
    frequency: plan.frequency === 'realtime' ? 'realtime' : formatDuration(plan.pollMs),
    createdAt: sync.createdAt,
    updatedAt: sync.updatedAt,
  };
}
