import { canonicalTopic } from '../../connectors/registry';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import type { InboundEvent } from '../../connectors/sdk/types';
import type { Plan, RunEvent } from '../../workflows/plan';
import type { Logger } from '../logging';
import { API_EVENT_SOURCE, planMatchesEvent } from '../recipe/match';
import { syncChangesOf } from '../sync/webhook-changes';
import type { Inbox } from './inbox';
import type { PlanCache } from './plan-cache';
import { eventHash, runWorkflowId, type StartOutcome } from './start-runs';

/**
 * Where events come from: a connection that receives webhooks (its connector's documented topic
 * aliases apply to recipes that name them), or the API.
 */
export type EventSource = { connectionId: string; connector: string } | typeof API_EVENT_SOURCE;

export interface IngestDeps {
  plans: PlanCache;
  /** The durable inbox: an accepted event is appended there, and its runs start from there. */
  inbox: Inbox;
  logger: Pick<Logger, 'warn'>;
  /** Where a connector's topic aliases are looked up (default: every connector). */
  registry?: ConnectorRegistry;
}

export interface IngestOutcome {
  /** Events not seen before (the others were duplicates of accepted deliveries). */
  fresh: number;
  /** Enabled recipes whose trigger matched a fresh event. */
  matched: number;
  /** The runs the fresh events will start (the inbox's dispatcher starts them; ids are final). */
  runs: StartOutcome[];
  /** Realtime syncs the fresh events feed (the dispatcher sends each its `sync.changes`). */
  syncs: string[];
}

/** The event could not be made durable (the store failed): nothing was accepted, the sender should retry. */
export class EventsNotAcceptedError extends Error {
  readonly retryAfterSeconds = 5;

  constructor(cause: unknown) {
    super('the event could not be durably accepted; retry later (the same event id starts nothing twice)', { cause });
  }
}

/**
 * The ingest sequence every ingress shares: match each event against the enabled recipes (aliases
 * resolved) and the enabled realtime syncs (the records it names on a side of the connection it
 * came from), and append it to the durable inbox, deduped on its id in the same commit. Resolves
 * once every fresh event is durable: the acknowledgement's promise. The inbox's dispatcher starts
 * the runs (Temporal may be down meanwhile). Throws InboxFullError above the inbox's bound and
 * EventsNotAcceptedError when the store failed.
 */
export async function ingestEvents(deps: IngestDeps, source: EventSource, events: readonly InboundEvent[], now: Date): Promise<IngestOutcome> {
  const sourceId = source === API_EVENT_SOURCE ? source : source.connectionId;
  const canonical = source === API_EVENT_SOURCE ? (plan: Plan) => plan : canonicalTrigger(source.connector, deps.registry);
  const receivedAt = now.toISOString();
  await deps.inbox.admit(now);
  const plans = await deps.plans.enabledPlans();
  const syncs = source === API_EVENT_SOURCE ? [] : await deps.plans.enabledSyncs();
  const appended = await Promise.all(
    events.map(async (inbound) => {
      const event: RunEvent = { id: inbound.id, topic: inbound.topic, source: sourceId, receivedAt, payload: inbound.payload };
      const matching = plans.filter((plan) => planMatchesEvent(canonical(plan), event)).map((plan) => plan.recipeId);
      const changes = source === API_EVENT_SOURCE ? [] : syncChangesOf(syncs, source.connectionId, source.connector, inbound.topic, inbound.payload);
      try {
        return { event, matching, changes, fresh: await deps.inbox.append(event, eventHash(sourceId, inbound.id), matching, changes) };
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message, source: sourceId, topic: inbound.topic }, 'could not append to the inbox; asking the sender to retry');
        throw new EventsNotAcceptedError(err);
      }
    }),
  );
  const outcome: IngestOutcome = { fresh: 0, matched: 0, runs: [], syncs: [] };
  for (const { event, matching, changes, fresh } of appended) {
    if (!fresh) continue;
    outcome.fresh++;
    outcome.matched += matching.length;
    for (const c of changes) if (!outcome.syncs.includes(c.syncId)) outcome.syncs.push(c.syncId);
    outcome.runs.push(...matching.map((recipeId) => ({ recipeId, workflowId: runWorkflowId(recipeId, event), status: 'started' as const })));
  }
  return outcome;
}

/** A webhook trigger naming a documented alias (Intercom's `conversation.created`) matches the sender's topic. */
function canonicalTrigger(connector: string, registry: ConnectorRegistry | undefined): (plan: Plan) => Plan {
  return (plan) => {
    if (plan.trigger.type !== 'webhook') return plan;
    const event = canonicalTopic(connector, plan.trigger.event, registry);
    return event === plan.trigger.event ? plan : { ...plan, trigger: { ...plan.trigger, event } };
  };
}
