import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PollTriggerInput } from '../../activities/poll-trigger';
import { FailureType, type ActionActivityInput } from '../../workflows/activity-contract';
import type { FakeRequest, FakeServer } from '../../sandbox/fake-server';
import { startContractHarness, type ContractFailure, type ContractHarness, type ContractOutcome } from './contract-harness';
import type { ConnectionSeed, MemoryConnections } from './memory-connections';

/** What a contract's cases and its connector-specific tests work with; ready once the suite started (read it inside tests). */
export interface ContractContext<F extends FakeServer> {
  readonly fake: F;
  readonly connections: MemoryConnections;
  readonly call: ContractHarness['call'];
}

/** An action's activity argument (or `pollTrigger`'s, for a polling trigger), or a function building it from the started fake (for URLs). */
type ContractArg = ActionActivityInput | PollTriggerInput;
type ContractCall<F extends FakeServer> = ContractArg | ((fake: F) => ContractArg);

/** An exact failure message, or a pattern it must match. */
type Text = string | RegExp;

interface CaseBase<F extends FakeServer> {
  /** The vendor behaviour, as the test's name shows it ("ok:false token_revoked in a 200"). */
  how: string;
  /** Programs the fake (or replaces the connection) so the call fails this way; each kind has a default. */
  arrange?: (ctx: ContractContext<F>) => void;
  /** The call that fails; the action's `call` by default. */
  call?: ContractCall<F>;
}

/** retryable: classified `Retryable` on the first attempt, then retried until it succeeds. */
interface RetryableCase<F extends FakeServer> extends CaseBase<F> {
  /** How many requests fail before one succeeds (default 1); the default `arrange` queues that many 5xx. */
  failures?: number;
}

/** rate_limited: classified `RateLimited` carrying the vendor's delay as `nextRetryDelay`, then retried no earlier. */
interface RateLimitedCase<F extends FakeServer> extends CaseBase<F> {
  /** Passed to the fake's rate-limit response (default `arrange`). */
  retryAfterSeconds: number;
  /** The `nextRetryDelay` the activity must ask for: exact ms, an inclusive [min, max] range, or null when the vendor names no delay. */
  nextRetryDelayMs: number | [number, number] | null;
}

/** A non-retryable failure: one request (unless `requests` says otherwise), the failure type, message and details. */
interface FinalCase<F extends FakeServer> extends CaseBase<F> {
  message?: Text;
  /** Matched against the failure's details (toMatchObject). */
  details?: unknown[];
  /** Requests the action's endpoint must have seen; 1 by default (0 when our own validation rejects first). */
  requests?: number;
}

/** auth_lost: also marks the step's connection disconnected (none when the step has no connection). */
interface AuthLostCase<F extends FakeServer> extends FinalCase<F> {
  /** What the disconnect records (toMatchObject), e.g. the vendor's status. */
  disconnect?: { status?: number; message?: Text };
}

type OneOrMore<T> = T | T[];

/** One action's contract: a valid call, what its happy path sends, and how the fake makes it fail each way. */
interface ActionContract<F extends FakeServer> {
  /** A valid call; the failure cases reuse it unless they bring their own. */
  call: ContractCall<F>;
  /** The requests that are this action's ([method, path], path may end in `*`); every request the fake saw by default. */
  endpoint?: [method: string, path: string];
  /** The happy path: the result (toMatchObject) and the one request the fake received, checked by `request`. */
  happyPath?: { how: string; call?: ContractCall<F>; result: unknown; request(req: FakeRequest, ctx: ContractContext<F>): void };
  retryable?: OneOrMore<RetryableCase<F>>;
  rateLimited?: OneOrMore<RateLimitedCase<F>>;
  authLost?: OneOrMore<AuthLostCase<F>>;
  invalidInput?: OneOrMore<FinalCase<F>>;
  fatal?: OneOrMore<FinalCase<F>>;
}

export interface ConnectorContract<F extends FakeServer> {
  /** The connector's name; the suite is "<connector> connector against its fake" unless `title` says otherwise. */
  connector: string;
  title?: string;
  /** A new, unstarted fake; the contract starts it once and closes it after the suite. */
  fake: () => F;
  /** The connections every test starts with (re-added before each test, so tests may replace them). */
  connections: (fake: F) => ConnectionSeed[];
  /** Restores the fake's own state between tests (tokens, records); requests and programmed failures are always cleared. */
  resetFake?: (fake: F) => void;
  /** CIDRs the activities may reach; loopback by default so the fake is reachable. */
  egressAllow?: string[];
  /** Keyed by activity type ("slack.postMessage"). Across them every failure kind must be declared. */
  actions: Record<string, ActionContract<F>>;
  /** Registers the connector's own tests (pagination, upserts, token refresh…) inside the suite. */
  specific?: (ctx: ContractContext<F>) => void;
}

const kinds = ['retryable', 'rateLimited', 'authLost', 'invalidInput', 'fatal'] as const;

/**
 * The contract every connector meets against its fake, on the real dev server: the activity runs
 * in a workflow with the engine's activities and failure mapping. The suite owns the fake, the
 * worker and the in-memory connections; the connector declares its actions' cases as data.
 */
export function describeConnectorContract<F extends FakeServer>(contract: ConnectorContract<F>): void {
  for (const kind of kinds) {
    if (!Object.values(contract.actions).some((a) => a[kind] !== undefined)) {
      throw new Error(`${contract.connector}: the contract declares no ${kind} case; every connector shows how its vendor fails each way`);
    }
  }
  describe(contract.title ?? `${contract.connector} connector against its fake`, () => {
    const state: { fake?: F; harness?: ContractHarness } = {};
    const ready = () => {
      if (!state.fake || !state.harness) throw new Error('the contract context is ready inside tests: read ctx.fake / ctx.connections there, not while declaring them');
      return { fake: state.fake, harness: state.harness };
    };
    const ctx: ContractContext<F> = {
      get fake() {
        return ready().fake;
      },
      get connections() {
        return ready().harness.connections;
      },
      call: (type, arg, opts) => ready().harness.call(type, arg, opts),
    };

    beforeAll(async () => {
      state.fake = await contract.fake().start();
      state.harness = await startContractHarness({ egressAllow: contract.egressAllow });
    });
    afterAll(async () => {
      await state.harness?.close();
      await state.fake?.close();
    });
    beforeEach(() => {
      ctx.fake.reset();
      contract.resetFake?.(ctx.fake);
      ctx.connections.clear();
      for (const seed of contract.connections(ctx.fake)) ctx.connections.add(seed);
    });

    for (const [type, action] of Object.entries(contract.actions)) describeAction(ctx, type, action);
    contract.specific?.(ctx);
  });
}

function describeAction<F extends FakeServer>(ctx: ContractContext<F>, type: string, action: ActionContract<F>): void {
  const argOf = (call: ContractCall<F> | undefined) => {
    const c = call ?? action.call;
    return typeof c === 'function' ? c(ctx.fake) : c;
  };
  const seen = () => (action.endpoint ? ctx.fake.received(...action.endpoint) : ctx.fake.requests);

  const happy = action.happyPath;
  if (happy) {
    it(`${type}: ${happy.how}`, async () => {
      const res = await ctx.call(type, argOf(happy.call));
      expect(res).toMatchObject({ ok: true, result: happy.result });
      expect(seen()).toHaveLength(1);
      happy.request(seen()[0]!, ctx);
    });
  }

  for (const c of list(action.retryable)) {
    const failures = c.failures ?? 1;
    const arrange = c.arrange ?? (() => ctx.fake.fail({ kind: 'server_error' }, failures));
    it(`${type} retryable: ${c.how}`, async () => {
      arrange(ctx);
      const once = await ctx.call(type, argOf(c.call), { maxAttempts: 1 });
      expect(once).toMatchObject({ ok: false, type: FailureType.retryable, nonRetryable: false });

      ctx.fake.reset();
      arrange(ctx);
      expect(await ctx.call(type, argOf(c.call))).toMatchObject({ ok: true });
      expect(seen()).toHaveLength(failures + 1);
    });
  }

  for (const c of list(action.rateLimited)) {
    const arrange = c.arrange ?? (() => ctx.fake.fail({ kind: 'rate_limited', retryAfterSeconds: c.retryAfterSeconds }));
    const [min, max] = c.nextRetryDelayMs === null ? [null, null] : typeof c.nextRetryDelayMs === 'number' ? [c.nextRetryDelayMs, c.nextRetryDelayMs] : c.nextRetryDelayMs;
    it(`${type} rate_limited: ${c.how}`, async () => {
      arrange(ctx);
      const once = (await ctx.call(type, argOf(c.call), { maxAttempts: 1 })) as ContractFailure;
      expect(once).toMatchObject({ ok: false, type: FailureType.rateLimited, nonRetryable: false });
      if (min === null) {
        expect(once.nextRetryDelayMs).toBeUndefined();
      } else {
        expect(once.nextRetryDelayMs).toBeGreaterThanOrEqual(min);
        expect(once.nextRetryDelayMs).toBeLessThanOrEqual(max);
      }

      ctx.fake.reset();
      arrange(ctx);
      expect(await ctx.call(type, argOf(c.call))).toMatchObject({ ok: true });
      const [first, second] = seen();
      expect(seen()).toHaveLength(2);
      if (min !== null) expect(second!.at - first!.at).toBeGreaterThanOrEqual(min);
    });
  }

  for (const c of list(action.authLost)) {
    it(`${type} auth_lost: ${c.how}`, async () => {
      (c.arrange ?? (() => ctx.fake.fail({ kind: 'unauthorized' })))(ctx);
      const arg = argOf(c.call);
      await expectFinalFailure(ctx.call(type, arg), FailureType.authLost, c);
      expect(seen()).toHaveLength(c.requests ?? 1);
      if (arg.connectionId === null) {
        expect(ctx.connections.disconnects).toEqual([]);
      } else {
        expect(ctx.connections.byId.get(arg.connectionId)?.status).toBe('disconnected');
        const { status, message } = c.disconnect ?? {};
        expect(ctx.connections.disconnects).toEqual([
          expect.objectContaining({ id: arg.connectionId, ...(status !== undefined && { status }), ...(message !== undefined && { message: textMatcher(message) }) }),
        ]);
      }
    });
  }

  for (const [kind, failureType, cases] of [
    ['invalid_input', FailureType.invalidInput, list(action.invalidInput)],
    ['fatal', FailureType.fatal, list(action.fatal)],
  ] as const) {
    for (const c of cases) {
      it(`${type} ${kind}: ${c.how}`, async () => {
        c.arrange?.(ctx);
        await expectFinalFailure(ctx.call(type, argOf(c.call)), failureType, c);
        expect(seen()).toHaveLength(c.requests ?? 1);
      });
    }
  }
}

async function expectFinalFailure<F extends FakeServer>(outcome: Promise<ContractOutcome>, type: string, c: FinalCase<F>): Promise<void> {
  expect(await outcome).toMatchObject({
    ok: false,
    type,
    nonRetryable: true,
    ...(c.message !== undefined && { message: textMatcher(c.message) }),
    ...(c.details !== undefined && { details: c.details }),
  });
}

function textMatcher(t: Text): unknown {
  return typeof t === 'string' ? t : expect.stringMatching(t);
}

function list<T>(x: OneOrMore<T> | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}
