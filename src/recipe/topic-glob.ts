/**
 * The one topic matcher: recipe triggers, the dry run and outgoing webhook subscriptions all
 * decide "does this topic match that pattern" here. `*` matches any run of characters (dots
 * included): "conversation.*" matches "conversation.user.created".
 */
export function topicMatches(pattern: string, topic: string): boolean {
  if (!pattern.includes('*')) return pattern === topic;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(topic);
}

export function matchesAnyTopic(patterns: readonly string[], topic: string): boolean {
  return patterns.some((p) => topicMatches(p, topic));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
