import type { ConnectorRegistry } from '../connectors/sdk/registry';
import type { PollResult } from '../connectors/sdk/types';
import { buildActionContext, type ActivityDeps } from './action-context';
import { activityFailure, toActivityFailure } from './failure-mapping';
import { describeIssues } from './zod-message';

/** Argument of the `pollTrigger` activity. Written into histories: extend only with optional fields. */
export interface PollTriggerInput {
  /** "<connector>.<trigger>", e.g. "jira.newIssues". */
  trigger: string;
  connectionId: string | null;
  /** The trigger's configuration from the recipe. */
  input: unknown;
  cursor: string | null;
}

/** One activity type, `pollTrigger`, for every connector's polling triggers; every failure goes through the table. */
export function pollTriggerActivity(deps: ActivityDeps, registry: ConnectorRegistry) {
  return async function pollTrigger(arg: PollTriggerInput): Promise<PollResult> {
    let connectionId: string | null = null;
    try {
      const found = registry.getPollingTrigger(arg.trigger);
      if (!found) throw activityFailure('fatal', `unknown polling trigger ${arg.trigger}`);
      const { connector, trigger } = found;
      const input = trigger.input.safeParse(arg.input ?? {});
      if (!input.success) throw activityFailure('invalid_input', describeIssues('input', input.error).message);
      const ctx = await buildActionContext(deps, connector, connector.auth.kind === 'none' ? 'none' : 'required', arg.connectionId, `poll:${arg.trigger}`);
      connectionId = ctx.connectionId;
      const result = await trigger.poll(ctx, input.data, arg.cursor);
      const items = result.items.map(({ dedupeKey, item }, i) => {
        const parsed = trigger.output.safeParse(item);
        if (!parsed.success) throw activityFailure('fatal', `${arg.trigger}: output contract broken: ${describeIssues(`items.${i}`, parsed.error).message}`);
        return { dedupeKey, item: parsed.data };
      });
      return { items, cursor: result.cursor };
    } catch (err) {
      throw await toActivityFailure(err, { connectionId, connections: deps.connections });
    }
  };
}
