import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ActionActivityInput, ActionActivityResult } from '../workflows/activity-contract';
import { FailureType } from '../workflows/activity-contract';
import { connectionRequirement, type AnyAction, type AnyConnector } from '../connectors/sdk/registry';
import { ConnectorError } from '../connectors/sdk/errors';
import { buildActionContext, type ActivityDeps } from './action-context';
import { toActivityFailure } from './failure-mapping';
import { describeIssues } from './zod-message';

/** The activity behind "<connector>.<action>": resolve, validate input, run, validate output, map errors. */
export function actionActivity(deps: ActivityDeps, connector: AnyConnector, action: AnyAction) {
  const requirement = connectionRequirement(connector, action);
  return async function run(arg: ActionActivityInput): Promise<unknown> {
    const input = action.input.safeParse(arg.input);
    if (!input.success) {
      const { message, field } = describeIssues('input', input.error);
      throw ApplicationFailure.create({ type: FailureType.invalidInput, message, nonRetryable: true, details: [{ field, attempt: Context.current().info.attempt }] });
    }
    const ctx = await buildActionContext(deps, connector, requirement, arg.connectionId, arg.stepId);
    let result: unknown;
    try {
      result = await action.run(ctx, input.data);
    } catch (err) {
      throw await toActivityFailure(err, {
        connectionId: ctx.connectionId,
        connections: deps.connections,
        attempt: ctx.attempt,
        onUnclassified: (e) => ctx.logger.error('unclassified connector error', { err: e instanceof Error ? e.message : String(e) }),
      });
    }
    const output = action.output.safeParse(result);
    if (!output.success) {
      const { message } = describeIssues('output', output.error);
      throw await toActivityFailure(new ConnectorError('fatal', `${connector.id}.${action.key}: output contract broken: ${message}`, { code: 'output_contract' }), {
        connectionId: ctx.connectionId,
        connections: deps.connections,
        attempt: ctx.attempt,
      });
    }
    if (arg.resultEnvelope !== 1) return output.data;
    const envelope: ActionActivityResult = { switchyardResult: 1, output: output.data, attempt: ctx.attempt };
    return envelope;
  };
}
