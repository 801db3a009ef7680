import { ActivityFailure, ApplicationFailure, condition, continueAsNew, defineQuery, defineSignal, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { FailureType, nonRetryableFailureTypes } from './activity-contract';
import type { SyncActivities, SyncPageResult, SyncVerifyInput } from './sync-activity-contract';
import { syncSignals, syncStatusQuery, type SyncChangesSignal, type SyncPausedSignal, type SyncPhase, type SyncResyncSignal, type SyncRemapStatus, type SyncStatus, type SyncVerifyStatus } from './sync-contract';
import { startSyncConversations } from './sync-conversations-workflow';
import { mappingOf, type SyncPlan, type SyncSideName } from './sync-plan';

/** Argument of the sync workflow; carried across continue-as-new (extend only with optional fields). */
export interface SyncWorkflowInput {
  plan: SyncPlan;
  paused?: boolean;
  /** Sides whose first read to the end of the feed (the backfill) finished. */
  backfilled?: Partial<Record<SyncSideName, boolean>>;
  lastCycle?: SyncStatus['lastCycle'];
  /** Sides with changes signalled and not read yet, and records asked to resync. */
  pending?: SyncSideName[];
  /** Records `sync.changes` named and not synced yet, per side (a deleted one unlinks at once). */
  named?: Partial<Record<SyncSideName, string[]>>;
  resync?: SyncResyncSignal[];
  /** A backfill was asked for and has not started yet. */
  backfillAsked?: boolean;
  /** Cycles per execution before continue-as-new (tests lower it). */
  cyclesPerExecution?: number;
  /** Records per page (tests lower it to exercise paging). */
  pageSize?: number;
  /** The check of linked records for deletes without a webhook: totals and where its walk stands. */
  verify?: SyncVerifyStatus;
  /** The field mapping (direction and fields) the linked records follow, and their re-evaluation after it changed. */
  mapped?: string;
  remap?: SyncRemapStatus;
  /** How soon a page whose worker died is given to another worker (default 30 s; the kill test lowers it). */
  heartbeatTimeout?: string;
}

const changesSignal = defineSignal<[SyncChangesSignal]>(syncSignals.changes);
const backfillSignal = defineSignal(syncSignals.backfill);
const resyncSignal = defineSignal<[SyncResyncSignal]>(syncSignals.resync);
const pausedSignal = defineSignal<[SyncPausedSignal]>(syncSignals.paused);
/** The payload is optional: without it the workflow reads the stored definition. */
const planChangedSignal = defineSignal<[SyncPlan?]>(syncSignals.planChanged);
const statusQuery = defineQuery<SyncStatus>(syncStatusQuery);

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8, nonRetryableErrorTypes: [...nonRetryableFailureTypes, FailureType.storeUnavailable] };
/** A page is heartbeated by the vendor client between requests: a killed worker's page is retried elsewhere within the heartbeat timeout. */
const pageActivities = (heartbeatTimeout = '30s') => proxyActivities<SyncActivities>({ startToCloseTimeout: '10m', heartbeatTimeout, retry });
const { syncConnections, syncDefinition, syncResetCursors } = proxyActivities<SyncActivities>({ startToCloseTimeout: '30s', retry: { ...retry, maximumAttempts: 3 } });

const defaultCycles = 100;
/** Records named by webhooks kept per side until the next cycle; beyond it the feed still brings their changes. */
const maxNamed = 500;
const namedRecordsPatch = 'sync-named-records';
const verifyLinksPatch = 'sync-verify-links';
const remapLinksPatch = 'sync-remap-links';
const remapStoredPatch = 'sync-remap-stored';
/** How often a waiting sync looks at its connections again (at most). */
const waitCheckMs = 30_000;

/** Which sides' changes flow somewhere: only those feeds are read. */
function sources(plan: SyncPlan): SyncSideName[] {
  if (plan.direction === 'leftToRight') return ['left'];
  if (plan.direction === 'rightToLeft') return ['right'];
  return ['left', 'right'];
}

/** Why an activity failed, when the answer is to wait: a connection that is not connected, or the store. */
function waitReason(err: unknown): { connection?: string; message: string } | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const details = (cause.details?.[0] ?? {}) as { connectionId?: string | null };
  if (cause.type === FailureType.connectionUnavailable || cause.type === FailureType.authLost) return { connection: details.connectionId ?? undefined, message: cause.message };
  return { message: cause.message };
}

/**
 * One long-running workflow per sync (id `sync:<syncId>`). Each cycle reads every source side's
 * change feed page by page from its cursor (kept in the store by the activity, moved after each
 * page is synced, so a backfill resumes where it stopped) and syncs each record. Between cycles it
 * sleeps `pollMs` (the safety poll) or until `sync.changes` says a side changed (realtime). A
 * connection that is disconnected or paused makes it wait (phase `waiting`) with its cursors
 * unchanged; it catches up from them once the connection is back. Paused: it waits, cursors kept.
 */
export async function syncWorkflow(input: SyncWorkflowInput): Promise<void> {
  let plan = input.plan;
  let paused = input.paused ?? false;
  let planDirty = false;
  let nextPlan: SyncPlan | undefined;
  let backfillAsked = input.backfillAsked ?? false;
  const backfilled: Partial<Record<SyncSideName, boolean>> = { ...input.backfilled };
  const pending = new Set<SyncSideName>(input.pending);
  const named = { left: new Set(input.named?.left), right: new Set(input.named?.right) };
  const resyncs: SyncResyncSignal[] = [...(input.resync ?? [])];
  const status: SyncStatus = { phase: 'idle', lastCycle: { ...input.lastCycle }, verify: { checked: 0, unlinked: 0, passes: 0, ...input.verify } };
  const verify = status.verify!;
  let mapped = input.mapped ?? mappingOf(plan);
  /** The walk over the links written under another mapping; in the status once it was started by a change or found a link. */
  let remap = input.remap ? { ...input.remap } : undefined;
  if (remap) status.remap = remap;
  // A run that did not continue from another (the first, after an enable, after a termination) does not know what
  // mapping the links were written under while no workflow ran; each link records it, so a walk over those written
  // under another (or before the record existed) starts at its first cycle: one empty page when there are none.
  let remapStored = input.mapped === undefined;
  /** Workflow time of the last page of links checked (0: check at the first cycle). */
  let lastVerified = 0;
  const cyclesPerExecution = input.cyclesPerExecution ?? defaultCycles;
  const { syncPage, syncVerifyLinks, syncRemapLinks } = pageActivities(input.heartbeatTimeout);

  setHandler(statusQuery, () => ({ ...status, version: plan.version }));
  setHandler(changesSignal, (s) => {
    if (plan.frequency !== 'realtime' || (s.side !== 'left' && s.side !== 'right')) return;
    pending.add(s.side);
    for (const id of Array.isArray(s.ids) ? s.ids : []) if (typeof id === 'string' && id && named[s.side].size < maxNamed) named[s.side].add(id);
  });
  setHandler(backfillSignal, () => void (backfillAsked = true));
  setHandler(resyncSignal, (s) => void resyncs.push(s));
  setHandler(pausedSignal, (s) => void (paused = s.paused));
  setHandler(planChangedSignal, (p) => {
    // An apply of an unchanged definition (every apply signals) changes nothing: the cycle is not interrupted.
    if (p && p.version === (nextPlan ?? plan).version && p.enabled) return;
    planDirty = true;
    nextPlan = p;
  });
  let conversationsStarted = false;
  const interrupted = () => paused || planDirty || backfillAsked;

  /** Runs an activity until it succeeds; a failure makes the sync wait (never skip): for its connection, or a poll interval. */
  async function steadily<T>(call: () => Promise<T>): Promise<T | undefined> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        const reason = waitReason(err);
        const before: SyncPhase = status.phase;
        status.phase = 'waiting';
        status.waitingFor = reason?.connection ? `connection ${reason.connection}` : (reason?.message ?? (err instanceof Error ? err.message : String(err)));
        log.warn('sync waits', { syncId: plan.syncId, reason: status.waitingFor });
        for (;;) {
          await condition(interrupted, Math.min(plan.pollMs, waitCheckMs));
          if (interrupted()) return undefined;
          const ready = await syncConnections({ connections: plan.connections }).catch(() => ({ ready: false as const, waitingFor: 'the store' }));
          if (ready.ready) break;
          status.waitingFor = ready.waitingFor;
        }
        status.phase = before;
        delete status.waitingFor;
      }
    }
  }

  /** One page of a walk over the links (the delete check's, the remap's) from where it stands: it moves on, or starts again at the end. */
  async function walkLinks<R extends { checked: number; next?: string }>(walk: { checked: number; after?: string }, page: (input: SyncVerifyInput) => Promise<R>): Promise<R | undefined> {
    const result = await steadily(() => page({ plan, ...(walk.after !== undefined ? { after: walk.after } : {}), ...(input.pageSize ? { limit: input.pageSize } : {}) }));
    if (!result) return undefined;
    walk.checked += result.checked;
    if (result.next === undefined) delete walk.after;
    else walk.after = result.next;
    return result;
  }

  for (let cycle = 0; ; cycle++) {
    if (planDirty) {
      planDirty = false;
      const stored = nextPlan ? { found: true as const, plan: nextPlan, paused } : await steadily(() => syncDefinition({ syncId: plan.syncId }));
      nextPlan = undefined;
      if (!stored) continue;
      if (!stored.found || !stored.plan.enabled) return; // deleted or disabled: the host terminates us too; ending is the same
      plan = stored.plan;
      paused = stored.paused;
      // A new mapping: the linked pairs not written under it yet are re-evaluated (from the first link again if a walk was under way).
      if (mappingOf(plan) !== mapped && patched(remapLinksPatch)) {
        mapped = mappingOf(plan);
        status.remap = remap = { version: plan.version, checked: 0, writes: 0, done: false };
      }
    }
    if (paused) {
      status.phase = 'paused';
      await condition(() => !paused || planDirty);
      continue;
    }
    // Conversations to the CRM run beside the sync in their own workflow. Plans before `transcripts` existed never get here: their histories replay unchanged.
    if (plan.transcripts && !conversationsStarted) {
      conversationsStarted = true;
      await startSyncConversations(plan);
    }
    if (backfillAsked) {
      backfillAsked = false;
      await steadily(() => syncResetCursors({ syncId: plan.syncId }));
      for (const side of ['left', 'right'] as const) backfilled[side] = false;
    }
    while (resyncs.length > 0 && !interrupted()) {
      const r = resyncs.shift()!;
      await steadily(() => syncPage({ plan, side: r.side, ids: [r.id] }));
    }
    // The records a webhook named first (patched in: histories from before replay without this step):
    // one that is gone (deleted, merged away) unlinks now instead of at its counterpart's next change, and
    // the rest sync against their recorded hashes (an Intercom company attach leaves `updated_at`, so no
    // feed brings it). `goneOnly` is the activity input's name from before; it is in histories, so it stays.
    if (patched(namedRecordsPatch)) {
      for (const side of sources(plan)) {
        const ids = [...named[side]];
        named[side].clear();
        if (ids.length > 0 && !interrupted()) await steadily(() => syncPage({ plan, side, ids, goneOnly: true }));
      }
    }
    for (const side of sources(plan)) {
      pending.delete(side);
      const backfilling = !backfilled[side];
      status.phase = backfilling ? 'backfill' : 'cycle';
      if (backfilling) status.backfill = { ...status.backfill, [side]: { read: status.backfill?.[side]?.read ?? 0, done: false } };
      let page: SyncPageResult | undefined;
      do {
        page = await steadily(() => syncPage({ plan, side, ...(input.pageSize ? { pageSize: input.pageSize } : {}) }));
        if (page && backfilling) status.backfill![side]!.read += page.read;
      } while (page?.more && !interrupted());
      if (!page) break;
      if (!page.more) {
        if (backfilling) status.backfill![side]!.done = true;
        backfilled[side] = true;
        status.lastCycle[side] = new Date().toISOString();
      }
    }
    if (remapStored && !interrupted() && patched(remapStoredPatch)) {
      remapStored = false;
      if (!remap || remap.done) remap = { version: plan.version, checked: 0, writes: 0, done: false };
    }
    while (remap && !remap.done && !interrupted()) {
      const page = await walkLinks(remap, syncRemapLinks);
      if (!page) break;
      remap.writes += page.writes;
      remap.done = page.next === undefined;
      if (remap.checked > 0) status.remap = remap;
    }
    // Deletes no webhook told of (poll-only sides, a missed delivery): a page of links checked per poll interval, once
    // the backfill is done (patched in: histories from before replay without this step).
    if (!interrupted() && sources(plan).every((s) => backfilled[s]) && Date.now() - lastVerified >= plan.pollMs && patched(verifyLinksPatch)) {
      const checked = await walkLinks(verify, syncVerifyLinks);
      if (checked) {
        lastVerified = Date.now();
        verify.unlinked += checked.unlinked;
        verify.lastAt = new Date(lastVerified).toISOString();
        if (checked.next === undefined) verify.passes++;
      }
    }
    if (interrupted()) continue;
    status.phase = 'idle';
    if (cycle + 1 >= cyclesPerExecution || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof syncWorkflow>({ ...input, plan, paused, backfilled, lastCycle: status.lastCycle, pending: [...pending], named: { left: [...named.left], right: [...named.right] }, resync: resyncs, backfillAsked, verify, mapped, ...(status.remap ? { remap: status.remap } : {}) });
    }
    await condition(() => pending.size > 0 || resyncs.length > 0 || interrupted(), plan.pollMs);
  }
}
