import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiV1 } from '../../src/http/api';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { openTestStore, storeBackends } from '../support/stores';
import { call, serve, type Answer } from '../support/api-harness';

const perMinute = 100;
const burstPerHour = 20;

describe('per-token rate limit', () => {
  let store: Store;
  let tokens: TokenStore;
  let api: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    store = await openTestStore(storeBackends[0].url());
    tokens = new TokenStore(store.db);
    api = await serve([apiV1({ tokens, rateLimit: { perMinute, burstPerHour }, rotationGraceMs: 0 }).router]);
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  it('accepts the formula’s count of 1,000 requests in 10 s, rejects the rest with 429 and headers, and leaves a second token alone', async () => {
    const a = (await tokens.create({ name: 'a', scopes: ['tokens:admin'] })).secret;
    const b = (await tokens.create({ name: 'b', scopes: ['tokens:admin'] })).secret;
    const answersA: Answer[] = [];
    const answersB: Answer[] = [];
    const started = Date.now();
    // 1,000 requests from A evenly over 10 s (10 every 100 ms); B sends at 10 % of its quota meanwhile.
    for (let tick = 0; tick < 100; tick++) {
      const due = started + tick * 100;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const batch = Array.from({ length: 10 }, () => call(api.url, 'GET', '/api/v1/tokens', { token: a }));
      if (tick % 10 === 0) batch.push(call(api.url, 'GET', '/api/v1/tokens', { token: b }).then((r) => (answersB.push(r), r)));
      answersA.push(...(await Promise.all(batch.slice(0, 10))));
      await Promise.all(batch.slice(10));
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(12_000);

    // The window (60 s) outlasts the test, so the formula is: quota + burst allowance, then nothing.
    const expected = Math.min(1000, perMinute + burstPerHour);
    const accepted = answersA.filter((r) => r.status === 200).length;
    expect(Math.abs(accepted - expected)).toBeLessThanOrEqual(expected * 0.01);
    const rejected = answersA.filter((r) => r.status !== 200);
    expect(rejected.length).toBe(1000 - accepted);
    for (const r of rejected) {
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe('rate_limited');
      expect(r.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(r.headers.get('ratelimit-policy')).toBe(`"default";q=${perMinute};w=60, "burst";q=${burstPerHour};w=3600`);
      expect(r.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
      expect(r.headers.get('x-ratelimit-limit')).toBe(String(perMinute));
      expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(r.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
    // Accepted answers count down.
    const remaining = answersA.filter((r) => r.status === 200).map((r) => Number(r.headers.get('x-ratelimit-remaining')));
    expect(Math.max(...remaining)).toBe(perMinute - 1);

    expect(answersB).toHaveLength(10);
    expect(answersB.filter((r) => r.status !== 200)).toEqual([]);
    expect(answersB.at(-1)!.headers.get('x-ratelimit-remaining')).toBe(String(perMinute - 10));
  });

  it('a client that honours Retry-After sees no further 429', async () => {
    const short = await serve([apiV1({ tokens, rateLimit: { perMinute: 5, burstPerHour: 0, windowSeconds: 2 }, rotationGraceMs: 0 }).router]);
    try {
      const c = (await tokens.create({ name: 'polite', scopes: ['tokens:admin'] })).secret;
      let rejections = 0;
      let accepted = 0;
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const r = await call(short.url, 'GET', '/api/v1/tokens', { token: c });
        if (r.status === 200) {
          accepted++;
          continue;
        }
        expect(r.status).toBe(429);
        rejections++;
        const wait = Number(r.headers.get('retry-after'));
        expect(wait).toBeGreaterThanOrEqual(1);
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        // Right after honouring Retry-After the next request must pass.
        const next = await call(short.url, 'GET', '/api/v1/tokens', { token: c });
        expect(next.status).toBe(200);
        accepted++;
      }
      expect(rejections).toBeGreaterThanOrEqual(1);
      expect(accepted).toBeGreaterThanOrEqual(10);
    } finally {
      await short.close();
    }
  });

  it('with PostgreSQL counters (shared by API processes): two routers on one pool share the quota; an unreachable PostgreSQL falls back to per-process counters (G5)', async () => {
    const pg = await openTestStore(storeBackends[1].url());
    const pgTokens = new TokenStore(pg.db);
    const policy = { perMinute: 4, burstPerHour: 0 };
    const one = await serve([apiV1({ tokens: pgTokens, rateLimit: policy, rateLimitPool: pg.pgPool, rotationGraceMs: 0 }).router]);
    const two = await serve([apiV1({ tokens: pgTokens, rateLimit: policy, rateLimitPool: pg.pgPool, rotationGraceMs: 0 }).router]);
    const { default: Pg } = await import('pg');
    const down = new Pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    down.on('error', () => undefined);
    const alone = await serve([apiV1({ tokens: pgTokens, rateLimit: policy, rateLimitPool: down, rotationGraceMs: 0 }).router]);
    try {
      const shared = (await pgTokens.create({ name: 'shared', scopes: ['tokens:admin'] })).secret;
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(i % 2 === 0 ? one.url : two.url, 'GET', '/api/v1/tokens', { token: shared })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429]);

      const fallback = (await pgTokens.create({ name: 'fallback', scopes: ['tokens:admin'] })).secret;
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await call(alone.url, 'GET', '/api/v1/tokens', { token: fallback }));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
      expect(answers[4]!.body.error.code).toBe('rate_limited');
    } finally {
      await Promise.all([one.close(), two.close(), alone.close()]);
      await down.end();
      await pg.close();
    }
  });
});
