import { canonicalTopic } from '../../connectors/registry';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import type { InboundEvent } from '../../connectors/sdk/types';
import type { Plan, RunEvent } from '../../workflows/plan';
import type { Logger } from '../logging';
import { API_EVENT_SOURCE, planMatchesEvent } from '../recipe/match';
import type { DeliveryDedupe } from '../store/delivery-dedupe';
import type { PlanCache } from './plan-cache';
import { startEventRuns, type EventStartDeps } from './start-event-runs';
import { eventHash, type StartOutcome } from './start-runs';

/**
 * Where events come from: a connection that receives webhooks (its connector's documented topic
 * aliases apply to recipes that name them), or the API.
 */
export type EventSource = { connectionId: string; connector: string } | typeof API_EVENT_SOURCE;

export interface IngestDeps extends EventStartDeps {
  plans: PlanCache;
  deliveries: DeliveryDedupe;
  logger: Pick<Logger, 'warn'>;
  /** Where a connector's topic aliases are looked up (default: every connector). */
  registry?: ConnectorRegistry;
}

export interface IngestOutcome {
  /** Events not seen before (the others were duplicates of accepted deliveries). */
  fresh: number;
  /** Enabled recipes whose trigger matched a fresh event. */
  matched: number;
  runs: StartOutcome[];
}

/** Temporal did not accept every run start in time: nothing was remembered, the sender should retry. */
export class EventsNotAcceptedError extends Error {
  readonly retryAfterSeconds = 5;

  constructor(cause: unknown) {
    super('the event could not be durably accepted; retry later (the same event id starts nothing twice)', { cause });
  }
}

/**
 * The ingest sequence every ingress shares: for each event, dedupe on its id, match the enabled
 * recipes (aliases resolved), start their runs and publish the event, and remember the delivery
 * only once Temporal accepted every start. Throws EventsNotAcceptedError when it did not.
 */
export async function ingestEvents(deps: IngestDeps, source: EventSource, events: readonly InboundEvent[], now: Date): Promise<IngestOutcome> {
  const sourceId = source === API_EVENT_SOURCE ? source : source.connectionId;
  const canonical = source === API_EVENT_SOURCE ? (plan: Plan) => plan : canonicalTrigger(source.connector, deps.registry);
  const receivedAt = now.toISOString();
  const plans = await deps.plans.enabledPlans();
  const outcome: IngestOutcome = { fresh: 0, matched: 0, runs: [] };
  for (const inbound of events) {
    const hash = eventHash(sourceId, inbound.id);
    if (await deps.deliveries.seen(sourceId, hash)) continue;
    outcome.fresh++;
    const event: RunEvent = { id: inbound.id, topic: inbound.topic, source: sourceId, receivedAt, payload: inbound.payload };
    const matching = plans.filter((plan) => planMatchesEvent(canonical(plan), event));
    outcome.matched += matching.length;
    try {
      outcome.runs.push(...(await startEventRuns(deps, event, hash, matching, now)));
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, source: sourceId, topic: inbound.topic }, 'could not start runs; asking the sender to retry');
      throw new EventsNotAcceptedError(err);
    }
    await deps.deliveries.remember(sourceId, hash, now);
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
