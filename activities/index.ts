import { registry as defaultRegistry } from '../connectors/registry';
import type { ConnectorRegistry } from '../connectors/sdk/registry';
import type { ActionActivityInput } from '../workflows/activity-contract';
import type { ActivityDeps } from './action-context';
import { pollTriggerActivity, type PollTriggerInput } from './poll-trigger';
import { actionActivity } from './run-action';

export type { ActivityDeps, HostLogger } from './action-context';
export type { ConnectionResolver, ResolvedConnection } from './connection-resolver';
export type { PollTriggerInput } from './poll-trigger';
export { createTriggerPayloadActivities, type TriggerPayloadSource } from './trigger-payload';
export { toActivityFailure } from './failure-mapping';
export { createSyncActivities, type SyncActivityDeps } from './sync-activities';
export { createSyncConversationActivities, type SyncConversationDeps } from './sync-conversations';

/**
 * One activity per action, keyed by activity type "<connector>.<action>", plus `pollTrigger`
 * (argument PollTriggerInput) for every polling trigger.
 */
export function createActivities(deps: ActivityDeps, registry: ConnectorRegistry = defaultRegistry): Record<string, (input: ActionActivityInput | PollTriggerInput) => Promise<unknown>> {
  const activities: Record<string, (input: ActionActivityInput) => Promise<unknown>> = {};
  for (const connector of registry.listConnectors()) {
    for (const action of Object.values(connector.actions)) activities[`${connector.id}.${action.key}`] = actionActivity(deps, connector, action);
  }
  const poll: (input: PollTriggerInput) => Promise<unknown> = pollTriggerActivity(deps, registry);
  return { ...activities, pollTrigger: poll } as Record<string, (input: ActionActivityInput | PollTriggerInput) => Promise<unknown>>;
}
