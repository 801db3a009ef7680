import type { Client } from '@temporalio/client';
import type { Plan, RunEvent } from '../../workflows/plan';
import { publishInboundEvent, type Publish } from '../webhooks-out/sources';
import { byReferenceIfLarge, type PayloadRefPolicy } from './payload-ref';
import { startRuns, type RunStartSettings, type StartOutcome } from './start-runs';

/** What the inbox dispatcher needs to hand one accepted event (POST /hooks/…, POST /api/v1/events) to Temporal. */
export interface EventStartDeps {
  client: Client;
  taskQueue: string;
  /** Carried into every run's input (SWITCHYARD_CONNECTION_WAIT_LIMIT). */
  runSettings?: RunStartSettings;
  /** Without it payloads always go inline. */
  payloadRef?: PayloadRefPolicy;
  /**
   * How long the run starts of one event may take before the dispatch gives up and leaves the
   * event in the inbox for the sweep: the client's own gRPC retries would otherwise hold the
   * dispatcher for tens of seconds while Temporal is down. A start accepted just after the
   * deadline is found again by the next dispatch (a duplicate start, not a second run).
   */
  startDeadlineMs?: number;
  /** Fans inbound events out to outgoing-webhook subscribers. */
  publish?: Publish;
}

const defaultStartDeadlineMs = 5_000;

/**
 * Starts one run per matching plan (a large payload by reference) and publishes the event to
 * subscribers, all within the start deadline. Resolves only once Temporal accepted every start;
 * on a rejection the event stays in the inbox and the whole dispatch is repeated later.
 */
export async function startEventRuns(deps: EventStartDeps, event: RunEvent, eventHash: string, plans: Plan[], now: Date): Promise<StartOutcome[]> {
  const runEvent = plans.length > 0 && deps.payloadRef ? await byReferenceIfLarge(deps.payloadRef, event, eventHash, now) : event;
  return deps.client.withDeadline(Date.now() + (deps.startDeadlineMs ?? defaultStartDeadlineMs), async () => {
    const runs = await startRuns(deps.client, deps.taskQueue, plans, runEvent, deps.runSettings);
    if (deps.publish) await publishInboundEvent(deps.publish, { source: event.source, eventHash, topic: event.topic, payload: event.payload });
    return runs;
  });
}
