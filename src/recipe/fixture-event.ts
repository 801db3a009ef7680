import type { Plan, RunEvent } from '../../workflows/plan';
import { topicMatches } from './topic-glob';

/** Whether the fixture would start this recipe (trigger and topic; the `when` line follows). */
export function describeMatch(plan: Plan, event: RunEvent): string {
  const t = plan.trigger;
  if (t.type === 'schedule' || t.type === 'poll') return `${t.type} (started by its ${t.type === 'poll' ? 'poller' : 'schedule'}, not by events)`;
  return topicMatches(t.event, event.topic) ? `matches ${event.topic}` : `does not match: event topic ${event.topic}, trigger wants ${t.event}`;
}

/** A fixture is the payload as the sender sent it; Intercom's carries its own topic and id. */
export function eventFromFixture(plan: Plan, payload: unknown, topic?: string): RunEvent {
  const p = (payload ?? {}) as { topic?: unknown; id?: unknown; created_at?: unknown };
  const triggerEvent = 'event' in plan.trigger ? plan.trigger.event : plan.trigger.type;
  const receivedAt = typeof p.created_at === 'number' ? new Date(p.created_at * 1000).toISOString() : '2026-01-01T00:00:00.000Z';
  return {
    id: typeof p.id === 'string' ? p.id : 'fixture',
    topic: topic ?? (typeof p.topic === 'string' ? p.topic : triggerEvent),
    source: plan.trigger.type === 'webhook' ? plan.trigger.connection : plan.trigger.type === 'event' ? 'api' : plan.trigger.type,
    receivedAt,
    payload,
  };
}
