import { ActivityFailure, ApplicationFailure, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { iteratingOperators } from './expr/logic';
import { hasTemplate, templateVariables } from './expr/template';
import type { Plan, RunEvent } from './plan';
import { RunStatus } from './search-attributes';
import { loadTriggerPayloadActivity, triggerPayloadUnavailableType, type LoadTriggerPayloadInput, type TriggerPath } from './trigger-payload-contract';

/** An event whose payload the ingress stored by reference because it was too large for history. */
export type RunEventWithRef = RunEvent & { payloadRef?: string };

/** Room for the encrypted result inside Temporal's 256 KB per-event budget. */
const maxProjectionBytes = 192 * 1024;

/**
 * The trigger as the run needs it: the event's own payload, or — when the ingress stored it by
 * reference — only the parts the plan references, loaded by one activity. Runs without a
 * reference schedule nothing, so their command order (and every existing history) is unchanged.
 */
export async function withTriggerPayload(plan: Plan, event: RunEventWithRef): Promise<RunEvent> {
  if (!event.payloadRef) return event;
  const { [loadTriggerPayloadActivity]: load } = proxyActivities<Record<string, (input: LoadTriggerPayloadInput) => Promise<unknown>>>({
    startToCloseTimeout: '30s',
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: [triggerPayloadUnavailableType] },
  });
  try {
    const payload = await load!({ ref: event.payloadRef, paths: referencedTriggerPaths(plan), maxBytes: maxProjectionBytes });
    return { ...event, payload };
  } catch (err) {
    upsertSearchAttributes([{ key: RunStatus, value: 'failed' }]);
    const cause = err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
    throw ApplicationFailure.create({ type: triggerPayloadUnavailableType, nonRetryable: true, message: `the trigger payload could not be loaded: ${cause}` });
  }
}

/**
 * Every `trigger.*` path the plan reads in templates and json-logic `var`s (outside iterator
 * bodies, which read the element). null when some reference is dynamic (a computed `var` path,
 * `var ""`, `missing`), so the whole trigger is needed. A path that reaches through a computed
 * index stops there and keeps that subtree.
 */
export function referencedTriggerPaths(plan: Pick<Plan, 'when' | 'steps'>): TriggerPath[] | null {
  const paths: TriggerPath[] = [];
  let all = false;
  const addRef = (segments: readonly (string | number)[]) => {
    if (segments[0] === 'trigger') paths.push(segments.slice(1));
  };
  const logic = (node: unknown, inIterator: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => logic(n, inIterator));
    if (node === null || typeof node !== 'object') return;
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length !== 1) return entries.forEach(([, v]) => logic(v, inIterator));
    const [op, args] = entries[0]!;
    if (op === 'var') {
      const p: unknown = Array.isArray(args) ? (args as unknown[])[0] : args;
      if (typeof p === 'string' || typeof p === 'number') {
        if (inIterator) return;
        if (String(p) === '') all = true;
        else addRef(String(p).split('.'));
      } else all = true;
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      if (!inIterator) all = true;
      return;
    }
    const list = Array.isArray(args) ? args : [args];
    const iterating = (iteratingOperators as readonly string[]).includes(op);
    list.forEach((a, i) => logic(a, inIterator || (iterating && i > 0)));
  };
  const templates = (node: unknown, key?: string): void => {
    if (key === 'when') return logic(node, false);
    if (typeof node === 'string') {
      if (hasTemplate(node)) for (const segments of templateVariables(node)) addRef(segments);
      return;
    }
    if (Array.isArray(node)) return node.forEach((n) => templates(n));
    if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) templates(v, k);
  };
  if (plan.when !== undefined) logic(plan.when, false);
  templates(plan.steps);
  if (all || paths.some((p) => p.length === 0)) return null;
  return paths;
}
