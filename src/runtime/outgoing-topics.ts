import { registry as defaultRegistry } from '../../connectors/registry';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import { connectionEventTopics, runEventTopics } from '../engine/engine-events';
import { webhookEventTopics, type TopicVocabulary } from '../webhooks-out/topic-vocabulary';

/**
 * The topics subscribers can name that the engine knows: its own events, and every topic a
 * connector's webhook source publishes (not the ones it ignores, like Intercom's `ping`), with
 * their documented aliases.
 */
export function outgoingTopicVocabulary(registry: ConnectorRegistry = defaultRegistry): TopicVocabulary {
  const sources = registry.listConnectors().flatMap((c) => (c.webhookSource ? [c.webhookSource] : []));
  return {
    topics: [...runEventTopics, ...connectionEventTopics, ...webhookEventTopics, ...sources.flatMap((s) => s.topics.filter((t) => !s.ignoredTopics?.includes(t)))],
    aliases: Object.assign({}, ...sources.map((s) => s.topicAliases ?? {})) as Record<string, string>,
  };
}
