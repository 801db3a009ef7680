import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../workflows/activity-contract';
import type { ConnectorRegistry } from '../connectors/sdk/registry';
import type { PollResult } from '../connectors/sdk/types';
import { buildActionContext, type ActivityDeps } from './action-context';
import { toActivityFailure } from './failure-mapping';
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

/** One activity type, `pollTrigger`, for every connector's polling triggers. */
export function pollTriggerActivity(deps: ActivityDeps, registry: ConnectorRegistry) {
  return async function pollTrigger(arg: PollTriggerInput): Promise<PollResult> {
    const found = registry.getPollingTrigger(arg.trigger);
    if (!found) throw ApplicationFailure.create({ type: FailureType.fatal, message: `unknown polling trigger ${arg.trigger}`, nonRetryable: true });
    const { connector, trigger } = found;
    const input = trigger.input.safeParse(arg.input ?? {});
    if (!input.success) {
      throw ApplicationFailure.create({ type: FailureType.invalidInput, message: describeIssues('input', input.error).message, nonRetryable: true });
    }
    const ctx = await buildActionContext(deps, connector, connector.auth.kind === 'none' ? 'none' : 'required', arg.connectionId, `poll:${arg.trigger}`);
    let result: PollResult;
    try {
      result = await trigger.poll(ctx, input.data, arg.cursor);
    } catch (err) {
      throw await toActivityFailure(err, { connectionId: ctx.connectionId, connections: deps.connections });
    }
    const items = result.items.map(({ dedupeKey, item }, i) => {
      const parsed = trigger.output.safeParse(item);
      if (!parsed.success) {
        throw ApplicationFailure.create({
          type: FailureType.fatal,
          message: `${arg.trigger}: output contract broken: ${describeIssues(`items.${i}`, parsed.error).message}`,
          nonRetryable: true,
        });
      }
      return { dedupeKey, item: parsed.data };
    });
    return { items, cursor: result.cursor };
  };
}
