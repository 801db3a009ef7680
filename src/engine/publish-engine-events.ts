import type { Publish } from '../webhooks-out/sources';
import type { EngineEvent, EngineEvents } from './engine-events';

/**
 * Engine events (run.succeeded, run.failed, connection.*, …) → outgoing webhooks. The event id is
 * the idempotency key, so a re-published event maps onto the same message and webhook-id.
 * EngineEvents logs (and swallows) a subscriber's failure: an event published while Temporal is
 * unreachable is logged, not retried.
 */
export function publishEngineEvents(events: EngineEvents, publish: Publish): () => void {
  return events.subscribe(async (event: EngineEvent) => {
    const connectionId = (event.data as { connectionId?: unknown } | null)?.connectionId;
    await publish(event.topic, engineEventItem(event), { idempotencyKey: `engine/${event.id}`, ...(typeof connectionId === 'string' ? { connectionId } : {}) });
  });
}

function engineEventItem(event: EngineEvent): Record<string, unknown> {
  const data = event.data && typeof event.data === 'object' && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : { value: event.data };
  return { type: 'engine_event', id: event.id, occurred_at: event.occurredAt, ...data };
}
