import { describe, expect, it } from 'vitest';
import { outgoingTopicVocabulary } from '../../src/runtime/outgoing-topics';
import { resolveSubscriptionTopics } from '../../src/webhooks-out/topic-vocabulary';

describe('subscription topics against what is published', () => {
  const vocabulary = outgoingTopicVocabulary();
  const resolve = (...topics: string[]) => resolveSubscriptionTopics(topics, vocabulary);

  it('knows the engine events, every connector webhook topic and their aliases, not the ignored ones', () => {
    expect(vocabulary.topics).toEqual(expect.arrayContaining(['run.failed', 'connection.disconnected', 'webhook.disabled', 'conversation.user.created', 'webhook.received']));
    expect(vocabulary.topics).not.toContain('ping');
    expect(vocabulary.aliases['conversation.created']).toBe('conversation.user.created');
  });

  it('stores aliases as their real topic and keeps custom topics as given', () => {
    expect(resolve('conversation.created', 'run.*', '*', 'ping.only', 'order.paid')).toEqual(['conversation.user.created', 'run.*', '*', 'ping.only', 'order.paid']);
  });

  it('refuses an unknown topic or an empty glob in a published namespace, naming the field', () => {
    expect(() => resolve('run.failed', 'run.faild')).toThrow(expect.objectContaining({ code: 'invalid_topic', reason: 'invalid', details: { field: 'topics[1]', suggestion: 'did you mean "run.failed"?' } }));
    expect(() => resolve('conversation.nothing.*')).toThrow('topics[0]: "conversation.nothing.*" matches none of the conversation.* topics that are published');
  });
});
