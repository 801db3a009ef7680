import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ingestEvents, type IngestDeps } from '../../engine/ingest-event';
import { API_EVENT_SOURCE } from '../../recipe/match';
import { defineRoute, type ApiRoute } from './route';

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

/** What posting an event answers, for clients (the CLI) that read it. */
export type PostEventAnswer = z.output<typeof postEventResponse>;

export interface EventRoutesDeps extends IngestDeps {
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
        const event = { id: eventId, topic: body.topic, payload: body.data ?? {} };
        const { fresh, matched, runs } = await ingestEvents(deps, API_EVENT_SOURCE, [event], now);
        if (fresh === 0) return { status: 200, body: { eventId, matched: 0, duplicate: true } };
        if (matched === 0) return { status: 200, body: { eventId, matched: 0 } };
        const summary = runs.map((r) => ({ recipe: r.recipeId, runId: r.workflowId, duplicate: r.status === 'duplicate' }));
        if (runs.every((r) => r.status === 'duplicate')) return { status: 200, body: { eventId, matched, duplicate: true, runs: summary } };
        return { status: 202, body: { eventId, matched, runs: summary } };
      },
    }),
  ];
}
