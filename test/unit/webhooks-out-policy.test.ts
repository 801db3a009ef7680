import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../connectors/sdk/classify';
import { InFlightLimiter } from '../../src/webhooks-out/in-flight';
import { matchesAnyTopic } from '../../src/recipe/topic-glob';
import { topicsSchema } from '../../src/webhooks-out/topics';
import { autoDisableAfterMs, decide, deferDelayMs, jitteredDelayMs, maxDeliveryAttempts, retryScheduleMs } from '../../workflows/webhook-contract';

describe('delivery policy', () => {
  it('schedule is Svix\'s: 8 attempts, waits 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 10 h with ±20 % jitter', () => {
    expect(maxDeliveryAttempts).toBe(8);
    expect(retryScheduleMs).toEqual([5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
    retryScheduleMs.forEach((base, i) => {
      expect(jitteredDelayMs(i, 0)).toBe(base * 0.8);
      expect(jitteredDelayMs(i, 0.5)).toBe(base);
      expect(jitteredDelayMs(i, 0.999999)).toBeLessThanOrEqual(base * 1.2);
    });
    expect(jitteredDelayMs(7, 0.5)).toBeNull();
  });

  it('2xx done; 3xx and 5xx retry on schedule; last attempt fails the message; 410 disables', () => {
    expect(decide({ outcome: 'delivered', attempt: 1, statusCode: 204 }, 0, 5000)).toEqual({ kind: 'done' });
    expect(decide({ outcome: 'failed', attempt: 1, statusCode: 302 }, 0, 5000)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(decide({ outcome: 'failed', attempt: 1, statusCode: 500 }, 0, 5000)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(decide({ outcome: 'failed', attempt: 8, statusCode: 500 }, 0, null)).toEqual({ kind: 'failed' });
    expect(decide({ outcome: 'gone', attempt: 1, statusCode: 410 }, 0, 5000)).toEqual({ kind: 'disable', reason: 'gone' });
    expect(decide({ outcome: 'inactive', attempt: 0 }, 0, 5000)).toEqual({ kind: 'inactive' });
  });

  it('429 and 503 honour Retry-After (clamped to [1 s, 24 h]); other statuses ignore it', () => {
    expect(decide({ outcome: 'failed', attempt: 1, statusCode: 429, retryAfterMs: 120_000 }, 0, 5000)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(decide({ outcome: 'failed', attempt: 1, statusCode: 503, retryAfterMs: 0 }, 0, 5000)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(decide({ outcome: 'failed', attempt: 1, statusCode: 503, retryAfterMs: 9e9 }, 0, 5000)).toEqual({ kind: 'retry', delayMs: 864e5 });
    expect(decide({ outcome: 'failed', attempt: 1, statusCode: 500, retryAfterMs: 120_000 }, 0, 5000)).toEqual({ kind: 'retry', delayMs: 5000 });
  });

  it('5 days of continuous failure disables the subscription', () => {
    expect(decide({ outcome: 'failed', attempt: 3, statusCode: 500, failingSinceMs: 0 }, autoDisableAfterMs - 1, 5000)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(decide({ outcome: 'failed', attempt: 3, statusCode: 500, failingSinceMs: 0 }, autoDisableAfterMs, 5000)).toEqual({ kind: 'disable', reason: 'failing_for_5_days' });
  });

  it('a deferral (subscriber over its in-flight share) is not an attempt: ask again after 1 s doubling to 5 min', () => {
    expect(decide({ outcome: 'deferred', attempt: 3 }, 0, 5000)).toEqual({ kind: 'defer' });
    expect([0, 1, 2, 8, 9, 50].map((n) => deferDelayMs(n, 0.5))).toEqual([1000, 2000, 4000, 256_000, 300_000, 300_000]);
    expect(deferDelayMs(0, 0)).toBe(800);
  });

  it('Retry-After as seconds or HTTP date, read by the connectors\' one parser', () => {
    expect(retryAfterMs({ 'retry-after': '7' }, 0)).toBe(7000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' }, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, 0)).toBeUndefined();
    expect(retryAfterMs({}, 0)).toBeUndefined();
  });

  it('topic globs: * matches any run of characters, dots included', () => {
    expect(matchesAnyTopic(['conversation.*'], 'conversation.user.created')).toBe(true);
    expect(matchesAnyTopic(['conversation.*'], 'conversation_part.tag.created')).toBe(false);
    expect(matchesAnyTopic(['run.failed'], 'run.failed')).toBe(true);
    expect(matchesAnyTopic(['run.failed'], 'run.succeeded')).toBe(false);
    expect(matchesAnyTopic(['*'], 'webhook.disabled')).toBe(true);
    expect(topicsSchema.safeParse([]).success).toBe(false);
    expect(topicsSchema.safeParse(['Conversation Created']).error?.issues[0]?.path).toEqual([0]);
  });

  it('in-flight limiter: per subscription, released slots are reusable', () => {
    const limiter = new InFlightLimiter(2);
    expect([limiter.tryAcquire('a'), limiter.tryAcquire('a'), limiter.tryAcquire('a'), limiter.tryAcquire('b')]).toEqual([true, true, false, true]);
    limiter.release('a');
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(() => new InFlightLimiter(0)).toThrow();
  });
});
