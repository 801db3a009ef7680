import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiV1 } from '../../src/http/api';
import { SessionStore } from '../../src/store/sessions';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { call, serve } from '../support/api-harness';
import { openTestStore, storeBackends } from '../support/stores';

/**
 * Failed console sign-ins are limited per client address (`POST /api/v1/session`): 429 with
 * Retry-After and a JSON body once an address has spent its failures, before the token is looked
 * up; successful sign-ins do not count; another address is not affected. On PostgreSQL two API
 * processes draw on the same counters.
 */
describe.each(storeBackends)('sign-in rate limit on $name', ({ name, url }) => {
  const perMinute = 3;
  let store: Store;
  let tokens: TokenStore;
  let good: string;
  const apis: { url: string; close(): Promise<void> }[] = [];
  // A fresh address each run: on PostgreSQL the counters outlive the test (shared table, 60 s window).
  const address = () => `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
  const signIn = (api: number, token: string, from: string) => call(apis[api]!.url, 'POST', '/api/v1/session', { body: { token }, headers: { 'x-forwarded-for': from } });

  beforeAll(async () => {
    store = await openTestStore(url());
    tokens = new TokenStore(store.db);
    good = (await tokens.create({ name: 'console', scopes: ['connections:read'] })).secret;
    // Two API processes over the same store (with PostgreSQL, the same counters).
    for (let i = 0; i < 2; i++) {
      const { router } = apiV1({
        tokens,
        sessions: { store: new SessionStore(store.db), ttlMs: 3_600_000 },
        rateLimit: { perMinute: 10_000, burstPerHour: 0 },
        signInRateLimit: { perMinute, burstPerHour: 0 },
        rateLimitPool: store.pgPool,
        rotationGraceMs: 0,
      });
      apis.push(await serve([router]));
    }
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    await store?.close();
  });

  it('answers 429 with Retry-After and a JSON body once an address has failed too often, even for a good token', async () => {
    const attacker = address();
    for (let i = 0; i < perMinute; i++) {
      const wrong = await signIn(0, `sy_wrong_${i}`, attacker);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('unauthorized');
    }
    const limited = await signIn(0, 'sy_wrong_again', attacker);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfter } });
    expect(limited.body.error.message).toContain(`client address ${attacker}`);
    // The right token does not get through from that address until the window ends: the limit is checked first.
    const blocked = await signIn(0, good, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('set-cookie')).toBeNull();
    // Another address signs in as usual.
    expect((await signIn(0, good, address())).status).toBe(201);
    // On PostgreSQL the other API process knows the address too; on SQLite (one process) it counts its own.
    expect((await signIn(1, 'sy_wrong_elsewhere', attacker)).status).toBe(name === 'postgres' ? 429 : 401);
  });

  it('does not count successful sign-ins', async () => {
    const office = address();
    for (let i = 0; i < perMinute * 2; i++) expect((await signIn(0, good, office)).status).toBe(201);
    for (let i = 0; i < perMinute; i++) expect((await signIn(0, 'sy_typo', office)).status).toBe(401);
    expect((await signIn(0, 'sy_typo', office)).status).toBe(429);
  });
});
