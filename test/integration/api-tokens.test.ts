import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiScopes } from '../../src/security/scopes';
import { ensureBootstrapToken } from '../../src/http/api/bootstrap-token';
import { apiV1 } from '../../src/http/api';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { openTestStore, storeBackends } from '../support/stores';
import { call, serve } from '../support/api-harness';

describe.each(storeBackends)('API tokens on $name', ({ url }) => {
  let storeUrl: string;
  let store: Store;
  let tokens: TokenStore;
  let clock = new Date();
  let api: { url: string; close(): Promise<void> };
  let admin: string;

  beforeAll(async () => {
    storeUrl = url();
    store = await openTestStore(storeUrl);
    tokens = new TokenStore(store.db);
    const { router } = apiV1({ tokens, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 60_000, now: () => clock });
    api = await serve([router]);
    admin = (await tokens.create({ name: 'test admin', scopes: ['tokens:admin', 'runs:read'] })).secret;
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  it('shows a secret once, stores only its hash and a display prefix', async () => {
    const created = await call(api.url, 'POST', '/api/v1/tokens', { token: admin, body: { name: 'ci', scopes: ['runs:read'], expiresIn: '90d' } });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^sy_[A-Za-z0-9_-]{43}$/);
    expect(created.body.token).toMatchObject({ name: 'ci', scopes: ['runs:read'], prefix: secret.slice(0, 9) });
    expect(Date.parse(created.body.token.expiresAt) - clock.getTime()).toBeGreaterThan(89 * 86_400_000);

    const shown = await call(api.url, 'GET', `/api/v1/tokens/${created.body.token.id}`, { token: admin });
    expect(JSON.stringify(shown.body)).not.toContain(secret);
    const listed = await call(api.url, 'GET', '/api/v1/tokens', { token: admin });
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(9));

    const dump = JSON.stringify((await sql`select * from api_tokens`.execute(store.db)).rows);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice(9));
  });

  it('answers 401 for a missing, malformed, unknown, expired or revoked token and 403 naming the scope', async () => {
    expect((await call(api.url, 'GET', '/api/v1/tokens')).status).toBe(401);
    const malformed = await call(api.url, 'GET', '/api/v1/tokens', { headers: { authorization: 'Basic abc' } });
    expect(malformed).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(malformed.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call(api.url, 'GET', '/api/v1/tokens', { token: `sy_${'A'.repeat(43)}` })).status).toBe(401);

    const { secret: reader } = await tokens.create({ name: 'reader', scopes: ['runs:read'] });
    const denied = await call(api.url, 'GET', '/api/v1/tokens', { token: reader });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'insufficient_scope', details: { required: 'tokens:admin' } });
    expect(denied.body.error.message).toContain('tokens:admin');

    const short = await tokens.create({ name: 'short', scopes: ['tokens:admin'], expiresAt: new Date(clock.getTime() + 1000) });
    expect((await call(api.url, 'GET', '/api/v1/tokens', { token: short.secret })).status).toBe(200);
    clock = new Date(clock.getTime() + 2000);
    const expired = await call(api.url, 'GET', '/api/v1/tokens', { token: short.secret });
    expect(expired).toMatchObject({ status: 401, body: { error: { details: { reason: 'expired' } } } });

    const doomed = await tokens.create({ name: 'doomed', scopes: ['tokens:admin'] });
    expect((await call(api.url, 'DELETE', `/api/v1/tokens/${doomed.token.id}`, { token: admin })).status).toBe(204);
    const revoked = await call(api.url, 'GET', '/api/v1/tokens', { token: doomed.secret });
    expect(revoked).toMatchObject({ status: 401, body: { error: { details: { reason: 'revoked' } } } });
  });

  it('rotates: the new secret works, the old one only for the grace period', async () => {
    const original = await tokens.create({ name: 'rotating', scopes: ['tokens:admin'] });
    const rotated = await call(api.url, 'POST', `/api/v1/tokens/${original.token.id}/rotate`, { token: admin, body: { gracePeriod: '30s' } });
    expect(rotated.status).toBe(200);
    const fresh: string = rotated.body.secret;
    expect(fresh).not.toBe(original.secret);
    expect((await call(api.url, 'GET', '/api/v1/tokens', { token: fresh })).status).toBe(200);
    expect((await call(api.url, 'GET', '/api/v1/tokens', { token: original.secret })).status).toBe(200);
    clock = new Date(clock.getTime() + 31_000);
    expect((await call(api.url, 'GET', '/api/v1/tokens', { token: original.secret })).status).toBe(401);
    expect((await call(api.url, 'GET', '/api/v1/tokens', { token: fresh })).status).toBe(200);
  });

  it('mints and rotates only scopes the calling token holds itself (403 naming the ones it lacks)', async () => {
    const widened = await call(api.url, 'POST', '/api/v1/tokens', { token: admin, body: { name: 'escalate', scopes: ['runs:read', 'runs:write', 'connections:write'] } });
    expect(widened.status).toBe(403);
    expect(widened.body.error).toMatchObject({ code: 'insufficient_scope', details: { missing: ['runs:write', 'connections:write'] } });
    expect(widened.body.error.message).toContain('lacks runs:write, connections:write');
    expect((await tokens.list()).map((t) => t.name)).not.toContain('escalate');

    const held = await call(api.url, 'POST', '/api/v1/tokens', { token: admin, body: { name: 'narrower', scopes: ['runs:read', 'tokens:admin'] } });
    expect(held.status).toBe(201);

    // Rotating hands out a new secret: a wider token's secret is as much an escalation as minting it.
    const wider = await tokens.create({ name: 'wider', scopes: ['tokens:admin', 'connections:write'] });
    const rotated = await call(api.url, 'POST', `/api/v1/tokens/${wider.token.id}/rotate`, { token: admin, body: {} });
    expect(rotated).toMatchObject({ status: 403, body: { error: { details: { missing: ['connections:write'] } } } });
    expect((await tokens.authenticate(wider.secret)).ok).toBe(true);
  });

  it('rejects bad token requests with the path named', async () => {
    const bad = await call(api.url, 'POST', '/api/v1/tokens', { token: admin, body: { name: 'x', scopes: ['runs:read', 'root'] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/^body\.scopes\.1: /);
    const malformed = await call(api.url, 'POST', '/api/v1/tokens', { token: admin, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/position|end of JSON/i);
  });

  it('installs a configured secret from several processes starting at once', async () => {
    const id = `tok_fixed_${Date.now().toString(36)}`;
    const secret = 'operator-chosen-secret-for-concurrent-start';
    const input = { name: 'bootstrap admin', scopes: [...apiScopes] };
    const others = await Promise.all([1, 2, 3].map(() => openTestStore(storeUrl)));
    try {
      const installs = [store, ...others].map((s) => new TokenStore(s.db).putFixed(id, input, secret));
      const results = await Promise.allSettled(installs);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect((await tokens.authenticate(secret)).ok).toBe(true);
      expect((await tokens.list()).filter((t) => t.id === id)).toHaveLength(1);
    } finally {
      await Promise.all(others.map((s) => s.close()));
    }
  });

  it('bootstraps an admin token once, or installs the configured one', async () => {
    const fresh = await openTestStore(storeBackends[0].url());
    try {
      const t = new TokenStore(fresh.db);
      const first = await ensureBootstrapToken(t, {});
      expect(first).toMatch(/^sy_/);
      expect(await ensureBootstrapToken(t, {})).toBeNull();
      const auth = await t.authenticate(first!);
      expect(auth.ok && auth.token.scopes.sort()).toEqual([...apiScopes].sort());
      const configured = 'operator-chosen-secret-0123456789abcdef';
      expect(await ensureBootstrapToken(t, { SWITCHYARD_ADMIN_TOKEN: configured })).toBeNull();
      expect((await t.authenticate(configured)).ok).toBe(true);
      const replaced = 'another-operator-secret-0123456789abcdef';
      await ensureBootstrapToken(t, { SWITCHYARD_ADMIN_TOKEN: replaced });
      expect((await t.authenticate(configured)).ok).toBe(false);
      expect((await t.authenticate(replaced)).ok).toBe(true);
      // Unset again: the token it installed stops working, nothing new is generated.
      expect(await ensureBootstrapToken(t, {})).toBeNull();
      expect(await t.authenticate(replaced)).toEqual({ ok: false, reason: 'revoked' });
      expect((await t.authenticate(first!)).ok).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
