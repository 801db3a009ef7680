import { didYouMean } from '../recipe/diagnostics';
import { topicMatches } from '../recipe/topic-glob';
import { WebhooksOutError } from './errors';

/** Every topic the engine publishes to subscribers that it knows by name, and the documented aliases of some. */
export interface TopicVocabulary {
  topics: readonly string[];
  /** Alias → real topic (Intercom's guide names, e.g. `conversation.created`). */
  aliases: Readonly<Record<string, string>>;
}

/** What outgoing webhooks publish about themselves (a subscription disabled after failing for days). */
export const webhookEventTopics = ['webhook.disabled'] as const;

const namespaceOf = (topic: string) => topic.split('.')[0]!;

/**
 * A subscription's topics as they will be matched: aliases become their real topic. A topic (or
 * glob) in a namespace the engine or a connector publishes (`run`, `connection`, `conversation`,
 * `meeting`, …) must name a published topic (a glob: match at least one), else the subscription
 * is refused naming the field and the closest topic. Other names are custom topics (events posted
 * to /api/v1/events, generic webhook senders) and are kept as given.
 */
export function resolveSubscriptionTopics(topics: readonly string[], vocabulary: TopicVocabulary): string[] {
  const known = new Set(vocabulary.topics);
  const namespaces = new Set(vocabulary.topics.map(namespaceOf));
  return topics.map((topic, i) => {
    const canonical = vocabulary.aliases[topic];
    if (canonical !== undefined) return canonical;
    if (known.has(topic) || topic === '*' || !namespaces.has(namespaceOf(topic))) return topic;
    const field = `topics[${i}]`;
    if (topic.includes('*')) {
      if (vocabulary.topics.some((t) => topicMatches(topic, t))) return topic;
      throw new WebhooksOutError('invalid_topic', `${field}: ${JSON.stringify(topic)} matches none of the ${namespaceOf(topic)}.* topics that are published`, { field });
    }
    const suggestion = didYouMean(topic, [...vocabulary.topics, ...Object.keys(vocabulary.aliases)], (c) => `"${c}"`);
    throw new WebhooksOutError('invalid_topic', `${field}: no topic ${JSON.stringify(topic)} is published${suggestion ? ` (${suggestion})` : ''}`, { field, ...(suggestion ? { suggestion } : {}) });
  });
}
