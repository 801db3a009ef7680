import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RunEvent } from '../../../workflows/plan';
import type { PlanCache } from '../../engine/plan-cache';
import { startEventRuns, type EventStartDeps } from '../../engine/start-event-runs';
import { eventHash, type StartOutcome } from '../../engine/start-runs';
import type { Logger } from '../../logging';
import { planMatchesEvent } from '../../recipe/match';
import type { DeliveryDedupe } from '../../store/delivery-dedupe';
import { runStartHttpError } from '../errors';
import { defineRoute, type ApiRoute } from './route';

/** Events posted to the API have this source (what `event` triggers match on). */
const API_EVENT_SOURCE = 'api';

const postEventBody = z.strictObject({
  topic: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/, { message: 'expected a topic like order.created (letters, digits, . _ : -)' }),
  id: z.string().min(1).max(200).optional().describe('your id for this event: posting it again starts nothing new'),
  data: z.unknown().optional().describe('the event; recipes see it as `trigger`'),
});

const postEventResponse = z.object({
  eventId: z.string(),
  matched: z.number(),
  duplicate: z.boolean().optional(),
  runs: z.array(z.object({ recipe: z.string(), runId: z.string(), duplicate: z.boolean() })).optional(),
});

export interface EventRoutesDeps extends EventStartDeps {
  plans: PlanCache;
  deliveries: DeliveryDedupe;
  logger: Logger;
  /** Largest event body in bytes (SWITCHYARD_WEBHOOK_MAX_BYTES, as for webhooks); above it 413. */
  maxBodyBytes?: number;
  now?: () => Date;
}

/**
 * `POST /api/v1/events`: starts every enabled recipe whose `event` trigger matches, with the same
 * rules as the webhook ingress: dedupe on the caller's id, a large `data` stored by reference,
 * publication to outgoing-webhook subscribers, and 2xx only once Temporal accepted every start
 * (503 + Retry-After otherwise).
 */
export function eventRoutes(deps: EventRoutesDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/events',
      scope: 'events:write',
      tag: 'events',
      summary: 'Post an event; starts the runs of recipes with a matching event trigger',
      body: postEventBody,
      maxBodyBytes: deps.maxBodyBytes,
      response: postEventResponse,
      successStatus: 202,
      handler: async ({ body }) => {
        const now = deps.now?.() ?? new Date();
        const eventId = body.id ?? randomUUID();
        const hash = eventHash(API_EVENT_SOURCE, eventId);
        if (body.id && (await deps.deliveries.seen(API_EVENT_SOURCE, hash))) return { status: 200, body: { eventId, matched: 0, duplicate: true } };
        const event: RunEvent = { id: eventId, topic: body.topic, source: API_EVENT_SOURCE, receivedAt: now.toISOString(), payload: body.data ?? {} };
        const matching = (await deps.plans.enabledPlans()).filter((plan) => planMatchesEvent(plan, event));
        let runs: StartOutcome[];
        try {
          runs = await startEventRuns(deps, event, hash, matching, now);
        } catch (err) {
          deps.logger.warn({ err: (err as Error).message, topic: body.topic }, 'could not start runs for a posted event');
          throw runStartHttpError(err, 'the event could not be durably accepted; retry later with the same id');
        }
        await deps.deliveries.remember(API_EVENT_SOURCE, hash, now);
        if (matching.length === 0) return { status: 200, body: { eventId, matched: 0 } };
        const summary = runs.map((r) => ({ recipe: r.recipeId, runId: r.workflowId, duplicate: r.status === 'duplicate' }));
        if (runs.every((r) => r.status === 'duplicate')) return { status: 200, body: { eventId, matched: matching.length, duplicate: true, runs: summary } };
        return { status: 202, body: { eventId, matched: matching.length, runs: summary } };
      },
    }),
  ];
}
