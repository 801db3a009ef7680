import { evaluateLogic, isTruthy } from '../../workflows/expr/logic';
import type { Plan } from '../../workflows/plan';
import { topicMatches } from './topic-glob';

/** The source of events posted to `POST /api/v1/events` (what `event` triggers match on). */
export const API_EVENT_SOURCE = 'api';

/** The part of an incoming event matching needs. */
export interface MatchableEvent {
  /** Connection id for webhooks; API_EVENT_SOURCE for events posted to the API. */
  source: string;
  topic: string;
  /** The event exactly as the sender sent it (becomes `trigger`). */
  payload: unknown;
}

/**
 * Whether an event starts a run of this plan: enabled, trigger type and connection, topic glob,
 * then the top-level `when` (the same safe json-logic as the workflow). Schedule and poll
 * recipes are started by their schedules and never match pushed events.
 */
export function planMatchesEvent(plan: Plan, event: MatchableEvent): boolean {
  if (!plan.enabled) return false;
  const t = plan.trigger;
  if (t.type === 'webhook') {
    if (event.source !== t.connection || !topicMatches(t.event, event.topic)) return false;
  } else if (t.type === 'event') {
    if (event.source !== API_EVENT_SOURCE || !topicMatches(t.event, event.topic)) return false;
  } else {
    return false;
  }
  if (plan.when === undefined) return true;
  try {
    return isTruthy(evaluateLogic(plan.when, { trigger: event.payload, steps: {}, run: { recipeId: plan.recipeId, version: plan.version } }));
  } catch {
    return false;
  }
}
