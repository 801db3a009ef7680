import type { CatalogWebhookSource } from '../../connectors/sdk/action-catalog';
import { didYouMean } from './diagnostics';
import { topicMatches } from './topic-glob';

export type TopicCheck = { ok: true; event: string } | { ok: false; message: string; suggestion?: string };

/**
 * A webhook trigger's `event` against what its connector publishes: a real topic stays, a
 * documented alias becomes its real topic, a glob must match at least one real topic, anything
 * else is an error with the closest topic (or alias) as the suggestion.
 */
export function checkWebhookTopic(event: string, source: CatalogWebhookSource): TopicCheck {
  if (source.open || source.topics.includes(event)) return { ok: true, event };
  const canonical = source.aliases[event];
  if (canonical !== undefined) return { ok: true, event: canonical };
  if (event.includes('*')) {
    if (source.topics.some((t) => topicMatches(event, t))) return { ok: true, event };
    return { ok: false, message: `${JSON.stringify(event)} matches none of the topics ${source.connector} publishes` };
  }
  const render = (c: string) => (source.aliases[c] !== undefined ? `"${c}" (${source.aliases[c]})` : `"${c}"`);
  return {
    ok: false,
    message: `${source.connector} publishes no topic ${JSON.stringify(event)}`,
    suggestion: didYouMean(event, [...source.topics, ...Object.keys(source.aliases)], render),
  };
}

/**
 * The connector behind a connection id when the compiler is not given the connections (`recipe
 * check` of files): by the naming convention `<connector>-<name>` (`intercom-main`), the longest
 * matching connector id. Undefined when no connector that receives webhooks fits.
 */
export function connectorByConvention(connection: string, webhookConnectors: readonly string[]): string | undefined {
  return webhookConnectors.filter((c) => connection === c || connection.startsWith(`${c}-`)).sort((a, b) => b.length - a.length)[0];
}
