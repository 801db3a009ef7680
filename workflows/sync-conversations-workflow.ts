import { condition, continueAsNew, defineQuery, defineSignal, log, ParentClosePolicy, proxyActivities, setHandler, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { FailureType, nonRetryableFailureTypes } from './activity-contract';
import type { SyncActivities } from './sync-activity-contract';
import {
  conversationsClosedSignal,
  syncConversationsStatusQuery,
  syncConversationsWorkflowId,
  type ConversationsClosedSignal,
  type SyncConversationActivities,
  type SyncConversationsInput,
  type SyncConversationsStatus,
} from './sync-conversations-contract';
import type { SyncPlan } from './sync-plan';

const closedSignal = defineSignal<[ConversationsClosedSignal]>(conversationsClosedSignal);
const statusQuery = defineQuery<SyncConversationsStatus>(syncConversationsStatusQuery);

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8, nonRetryableErrorTypes: [...nonRetryableFailureTypes, FailureType.storeUnavailable] };
const { syncConversationCopy, syncConversationsClosed } = proxyActivities<SyncConversationActivities>({ startToCloseTimeout: '2m', retry });
const { syncConversationsUnmatched } = proxyActivities<SyncConversationActivities>({ startToCloseTimeout: '30s', retry: { ...retry, maximumAttempts: 3 } });
const { syncConnections, syncDefinition } = proxyActivities<SyncActivities>({ startToCloseTimeout: '30s', retry: { ...retry, maximumAttempts: 3 } });

const defaultCycles = 200;
/** How often a waiting workflow looks at its connections again (at most). */
const recheckMs = 30_000;

/**
 * Conversations to the CRM for one sync (id `sync-conversations:<syncId>`): each closed Intercom
 * conversation of a contact is written once to the contact's counterpart (activities in
 * activities/sync-conversations.ts). Conversations arrive by `syncConversations.closed` (the
 * `conversation.admin.closed` webhook) and by polling closed conversations every
 * `transcripts.pollMs`; those whose contact has no counterpart yet are tried again each cycle. The
 * stored definition is read each cycle: a deleted or disabled sync, or one without `conversations`,
 * ends the workflow; a paused one waits. A failed copy (a revoked token, the store) makes it wait,
 * the conversation kept, until the connections are back.
 */
export async function syncConversations(input: SyncConversationsInput): Promise<void> {
  const pending = new Set<string>(input.pending);
  let since = input.since ?? Math.floor(Date.now() / 1000);
  const status: SyncConversationsStatus = { phase: 'idle', written: 0, unchanged: 0, unmatched: 0, pending: 0, ...input.totals };
  const cycles = input.cyclesPerExecution ?? defaultCycles;
  let plan: SyncPlan | undefined = input.plan;

  setHandler(statusQuery, () => ({ ...status, pending: pending.size }));
  setHandler(closedSignal, (s) => {
    for (const id of s.conversationIds ?? []) if (typeof id === 'string' && id) pending.add(id);
  });

  const pollMs = () => plan?.transcripts?.pollMs ?? plan?.pollMs ?? 60_000;

  /** Runs an activity until it succeeds; a failure makes the workflow wait until the sync's connections are connected. */
  async function untilDone<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        const before = status.phase;
        status.phase = 'waiting';
        status.waitingFor = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        log.warn('sync conversations wait', { syncId: input.syncId, reason: status.waitingFor });
        for (;;) {
          await sleep(Math.min(pollMs(), recheckMs));
          const ready = plan ? await syncConnections({ connections: plan.connections }).catch(() => ({ ready: false as const, waitingFor: 'the store' })) : { ready: true as const };
          if (ready.ready) break;
          status.waitingFor = ready.waitingFor;
        }
        status.phase = before;
        delete status.waitingFor;
      }
    }
  }

  for (let cycle = 0; ; cycle++) {
    const stored = await untilDone(() => syncDefinition({ syncId: input.syncId }));
    if (!stored.found || !stored.plan.enabled || !stored.plan.transcripts) return;
    plan = stored.plan;
    if (stored.paused) {
      status.phase = 'paused';
      await sleep(pollMs());
      continue;
    }
    status.phase = 'copying';
    const current = plan;
    const polled = await untilDone(() => syncConversationsClosed({ plan: current, since }));
    since = polled.since;
    status.lastPoll = new Date().toISOString();
    for (const id of polled.conversationIds) pending.add(id);
    for (const id of await untilDone(() => syncConversationsUnmatched({ syncId: input.syncId }))) pending.add(id);
    status.unmatched = 0;
    while (pending.size > 0) {
      const id = pending.values().next().value!;
      const done = await untilDone(() => syncConversationCopy({ plan: current, conversationId: id }));
      pending.delete(id);
      if (done.outcome === 'written') status.written++;
      else if (done.outcome === 'unchanged') status.unchanged++;
      else if (done.outcome === 'unmatched') status.unmatched++;
    }
    status.phase = 'idle';
    if (cycle + 1 >= cycles || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof syncConversations>({ ...input, plan, since, pending: [...pending], totals: { written: status.written, unchanged: status.unchanged, unmatched: status.unmatched } });
    }
    await condition(() => pending.size > 0, pollMs());
  }
}

/**
 * Starts the sync's `syncConversations` workflow from the sync workflow (once per execution of it,
 * when the plan has `conversations`), unless it runs already. It outlives the sync workflow's
 * executions (parent close policy ABANDON) and ends by itself once the definition is deleted,
 * disabled or loses `conversations`.
 */
export async function startSyncConversations(plan: SyncPlan): Promise<void> {
  try {
    await startChild(syncConversations, {
      workflowId: syncConversationsWorkflowId(plan.syncId),
      args: [{ syncId: plan.syncId, plan }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
