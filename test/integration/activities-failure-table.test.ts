import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { auth } from '../../connectors/sdk/auth';
import { connector } from '../../connectors/sdk/connector';
import { createRegistry } from '../../connectors/sdk/registry';
import { FailureType } from '../../workflows/activity-contract';
import { startActivityCaller, type ActivityCaller } from '../support/contract-harness';
import { MemoryConnections } from '../support/memory-connections';

/** Calls per action key, so a test can see how often Temporal retried. */
const calls = new Map<string, number>();
const count = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1).get(key)!;

const base = { description: 'a test action', sample: {}, idempotent: true, effect: { kind: 'none' } } as const;
const flaky = connector({ id: 'flaky', name: 'Flaky', category: 'Automation', description: 'fails the way bugs and outages do', auth: auth.none(), baseUrl: null })
  .action({
    ...base,
    key: 'crash',
    title: 'Crash',
    input: z.object({}),
    output: z.object({}),
    run: async () => {
      count('crash');
      throw new TypeError("cannot read properties of undefined (reading 'id')");
    },
  })
  .action({
    ...base,
    key: 'crashOnce',
    title: 'Crash once',
    input: z.object({}),
    output: z.object({ ok: z.boolean() }),
    sample: { ok: true },
    run: async () => {
      if (count('crashOnce') === 1) throw new Error('socket hang up');
      return { ok: true };
    },
  })
  .action({
    ...base,
    key: 'badOutput',
    title: 'Bad output',
    input: z.object({}),
    output: z.object({ id: z.string() }),
    sample: { id: 'x' },
    run: async () => {
      count('badOutput');
      return { id: 42 } as never;
    },
  })
  .action({
    ...base,
    key: 'strict',
    title: 'Strict input',
    input: z.object({ n: z.number() }),
    output: z.object({}),
    run: async () => {
      count('strict');
      return {};
    },
  });

let caller: ActivityCaller;

beforeAll(async () => {
  caller = await startActivityCaller(createActivities({ connections: new MemoryConnections(), egressAllow: [] }, createRegistry([flaky])));
});

afterAll(() => caller?.close());

const call = (type: string, arg: unknown, maxAttempts: number) => caller.call(type, arg, { maxAttempts });

const action = (key: string, input: unknown = {}) => ({ stepId: key, connectionId: null, input });

describe('every activity failure goes through the failure table', () => {
  it('an error nobody classified is Retryable: Temporal retries it up to the attempt limit, then the step fails', async () => {
    const outcome = await call('flaky.crash', action('crash'), 3);
    expect(outcome).toMatchObject({ ok: false, type: FailureType.retryable, nonRetryable: false, message: expect.stringMatching(/^unclassified error: /) });
    expect(outcome.ok === false && outcome.details?.[0]).toMatchObject({ kind: 'retryable', code: 'unclassified' });
    expect(calls.get('crash')).toBe(3);
  });

  it('a transient unclassified error (a dropped socket) heals on the next attempt instead of failing the run', async () => {
    expect(await call('flaky.crashOnce', action('crashOnce'), 3)).toEqual({ ok: true, result: { ok: true } });
    expect(calls.get('crashOnce')).toBe(2);
  });

  it('failures the activity detects itself are built from the table too: broken output and bad input are not retried', async () => {
    expect(await call('flaky.badOutput', action('badOutput'), 3)).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true, message: expect.stringContaining('output contract broken') });
    expect(calls.get('badOutput')).toBe(1);
    expect(await call('flaky.strict', action('strict', { n: 'one' }), 3)).toMatchObject({ ok: false, type: FailureType.invalidInput, nonRetryable: true });
    expect(calls.get('strict')).toBeUndefined();
    expect(await call('pollTrigger', { trigger: 'flaky.nothing', connectionId: null, input: {}, cursor: null }, 3)).toMatchObject({
      ok: false,
      type: FailureType.fatal,
      nonRetryable: true,
      message: 'unknown polling trigger flaky.nothing',
    });
  });
});
