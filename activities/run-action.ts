import { Context } from '@temporalio/activity';
import type { ActionActivityInput, ActionActivityResult } from '../workflows/activity-contract';
import { connectionRequirement, type AnyAction, type AnyConnector } from '../connectors/sdk/registry';
import { buildActionContext, type ActivityDeps } from './action-context';
import { runOnce } from './effect-ledger';
import { activityFailure, toActivityFailure } from './failure-mapping';
import { describeIssues } from './zod-message';

/** The activity behind "<connector>.<action>": resolve, validate input, run, validate output; every failure goes through the table. */
export function actionActivity(deps: ActivityDeps, connector: AnyConnector, action: AnyAction) {
  const requirement = connectionRequirement(connector, action);
  return async function run(arg: ActionActivityInput): Promise<unknown> {
    const attempt = Context.current().info.attempt;
    let connectionId: string | null = null;
    try {
      const input = action.input.safeParse(arg.input);
      if (!input.success) {
        const { message, field } = describeIssues('input', input.error);
        throw activityFailure('invalid_input', message, { details: { field, attempt } });
      }
      const ctx = await buildActionContext(deps, connector, requirement, arg.connectionId, arg.stepId, arg.keyRun);
      connectionId = ctx.connectionId;
      const output = action.output.safeParse(await runOnce(deps.effects, `${connector.id}.${action.key}`, action, ctx, input.data));
      if (!output.success) {
        const { message } = describeIssues('output', output.error);
        throw activityFailure('fatal', `${connector.id}.${action.key}: output contract broken: ${message}`, {
          details: { kind: 'fatal', status: null, code: 'output_contract', field: null, connectionId, attempt },
        });
      }
      if (arg.resultEnvelope !== 1) return output.data;
      const envelope: ActionActivityResult = { switchyardResult: 1, output: output.data, attempt };
      return envelope;
    } catch (err) {
      throw await toActivityFailure(err, {
        connectionId,
        connections: deps.connections,
        attempt,
        onUnclassified: (e) => deps.logger?.error({ activity: `${connector.id}.${action.key}`, connection: connectionId, attempt, err: e instanceof Error ? e.message : String(e) }, 'unclassified activity error'),
      });
    }
  };
}
