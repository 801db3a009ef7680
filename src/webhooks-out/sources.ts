import { API_EVENT_SOURCE } from '../recipe/match';
import type { PublishOptions, PublishResult } from './publish';

export type Publish = (topic: string, item: unknown, opts?: PublishOptions) => Promise<PublishResult>;

/**
 * An inbound event (POST /hooks/… or /api/v1/events) → outgoing webhooks, by its topic. An
 * Intercom-style notification is unwrapped to its `data.item`, so subscribers get the object
 * once, not a notification inside a notification. Call it after the event's run starts were
 * accepted, with the same dedupe hash, and treat a rejection like a failed run start (the event
 * stays in the inbox and is dispatched again; its idempotency key makes the second publish a
 * duplicate).
 */
export function publishInboundEvent(publish: Publish, event: { source: string; eventHash: string; topic: string; payload: unknown }): Promise<PublishResult> {
  return publish(event.topic, inboundItem(event.payload), { idempotencyKey: `inbound/${event.source}/${event.eventHash}`, ...(event.source === API_EVENT_SOURCE ? {} : { connectionId: event.source }) });
}

export function inboundItem(payload: unknown): unknown {
  const p = payload as { type?: unknown; data?: { item?: unknown } } | null;
  if (p && typeof p === 'object' && p.type === 'notification_event' && p.data && typeof p.data === 'object' && 'item' in p.data) return p.data.item;
  return payload;
}
