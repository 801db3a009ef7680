import { registry as defaultRegistry } from '../../connectors/registry';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import type { ConnectionEventTopic, RunEventTopic } from '../engine/engine-events';
import type { SyncEventTopic } from '../store/syncs';
import { webhookEventTopics, type TopicVocabulary } from '../webhooks-out/topic-vocabulary';

/** Every engine event topic, checked by the compiler against the engine's topic types (none missing, none extra). */
const engineEventTopics = {
  'run.succeeded': true,
  'run.failed': true,
  'connection.disconnected': true,
  'connection.restored': true,
  'connection.paused': true,
  'connection.resumed': true,
  'sync.record.conflict': true,
  'sync.error': true,
} satisfies Record<RunEventTopic | ConnectionEventTopic | SyncEventTopic, true>;

/**
 * The topics subscribers can name that the engine knows: its own events, and every topic a
 * connector's webhook source publishes (not the ones it ignores, like Intercom's `ping`), with
 * their documented aliases.
 */
export function outgoingTopicVocabulary(registry: ConnectorRegistry = defaultRegistry): TopicVocabulary {
  const sources = registry.listConnectors().flatMap((c) => (c.webhookSource ? [c.webhookSource] : []));
  return {
    topics: [...Object.keys(engineEventTopics), ...webhookEventTopics, ...sources.flatMap((s) => s.topics.filter((t) => !s.ignoredTopics?.includes(t)))],
    aliases: Object.assign({}, ...sources.map((s) => s.topicAliases ?? {})) as Record<string, string>,
  };
}
