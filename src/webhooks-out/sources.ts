import type { EngineEvent, EngineEvents } from '../engine/engine-events';
import type { PublishOptions, PublishResult } from './publish';

export type Publish = (topic: string, item: unknown, opts?: PublishOptions) => Promise<PublishResult>;

/**
 * Engine events (run.succeeded, run.failed, connection.*, …) → outgoing webhooks. The event id is
 * the idempotency key, so a re-published event maps onto the same message and webhook-id.
 * EngineEvents logs (and swallows) a subscriber's failure: an event published while Temporal is
 * unreachable is logged, not retried.
 */
export function publishEngineEvents(events: EngineEvents, publish: Publish): () => void {
  return events.subscribe(async (event: EngineEvent) => {
    await publish(event.topic, engineEventItem(event), { idempotencyKey: `engine/${event.id}` });
  });
}

export function engineEventItem(event: EngineEvent): Record<string, unknown> {
  const data = event.data && typeof event.data === 'object' && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : { value: event.data };
  return { type: 'engine_event', id: event.id, occurred_at: event.occurredAt, ...data };
}

/**
 * An inbound event (POST /hooks/… or /api/v1/events) → outgoing webhooks, by its topic. An
 * Intercom-style notification is unwrapped to its `data.item`, so subscribers get the object
 * once, not a notification inside a notification. Call it after the event's run starts were
 * accepted, with the same dedupe hash, and treat a rejection like a failed run start (503).
 */
export function publishInboundEvent(publish: Publish, event: { source: string; eventHash: string; topic: string; payload: unknown }): Promise<PublishResult> {
  return publish(event.topic, inboundItem(event.payload), { idempotencyKey: `inbound/${event.source}/${event.eventHash}` });
}

export function inboundItem(payload: unknown): unknown {
  const p = payload as { type?: unknown; data?: { item?: unknown } } | null;
  if (p && typeof p === 'object' && p.type === 'notification_event' && p.data && typeof p.data === 'object' && 'item' in p.data) return p.data.item;
  return payload;
}
