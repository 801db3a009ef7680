import { z } from 'zod';

/** `conversation.user.created`, `run.failed`, or a glob where `*` matches any run of characters (dots included). */
const topicPattern = /^(\*|[a-z0-9_*]+(\.[a-z0-9_*]+)*)$/;

export const topicsSchema = z
  .array(z.string().regex(topicPattern, { message: 'expected a topic like "conversation.user.created", "run.failed" or a glob like "conversation.*"' }))
  .min(1, { message: 'subscribe to at least one topic' })
  .max(100, { message: 'at most 100 topics per subscription' });
