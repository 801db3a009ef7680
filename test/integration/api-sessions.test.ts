import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiV1 } from '../../src/http/api';
import { SessionStore } from '../../src/store/sessions';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { call, serve } from '../support/api-harness';
import { openTestStore, storeBackends } from '../support/stores';

const ttlMs = 3_600_000;

describe.each(storeBackends)('console sessions on $name', ({ url }) => {
  let store: Store;
  let tokens: TokenStore;
  let clock = new Date();
  let api: { url: string; close(): Promise<void> };
  let admin: { id: string; secret: string };
  let reader: { id: string; secret: string };

  const signIn = async (secret: string, headers: Record<string, string> = {}) => {
    const answer = await call(api.url, 'POST', '/api/v1/session', { body: { token: secret }, headers });
    const setCookie = answer.headers.get('set-cookie') ?? '';
    return { answer, setCookie, cookie: setCookie.split(';')[0]! };
  };

  beforeAll(async () => {
    store = await openTestStore(url());
    tokens = new TokenStore(store.db);
    const { router } = apiV1({ tokens, sessions: { store: new SessionStore(store.db), ttlMs }, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 0, now: () => clock });
    api = await serve([router]);
    const a = await tokens.create({ name: 'console admin', scopes: ['tokens:admin', 'connections:read', 'connections:write'] });
    admin = { id: a.token.id, secret: a.secret };
    const r = await tokens.create({ name: 'read only', scopes: ['connections:read'] });
    reader = { id: r.token.id, secret: r.secret };
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  it('refuses a sign-in without a token or with an unknown one, naming what is wrong', async () => {
    const empty = await call(api.url, 'POST', '/api/v1/session', { body: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toMatch(/^body\.token: /);
    const unknown = await call(api.url, 'POST', '/api/v1/session', { body: { token: 'sy_nope' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatchObject({ code: 'unauthorized', message: 'this is not a valid API token' });
    expect(unknown.headers.get('set-cookie')).toBeNull();
    const doc = await call(api.url, 'GET', '/openapi.json');
    expect(Object.keys(doc.body.paths['/api/v1/session'])).toEqual(['post', 'get', 'delete']);
    const none = await call(api.url, 'GET', '/api/v1/tokens');
    expect(none.status).toBe(401);
    expect(none.body.error.message).toContain('sign in (POST /api/v1/session)');
  });

  it('signs in to an HttpOnly, SameSite=Strict cookie (Secure behind an https proxy), stored only as a hash', async () => {
    const { answer, setCookie, cookie } = await signIn(admin.secret);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ via: 'session', scopes: ['tokens:admin', 'connections:read', 'connections:write'], token: { id: admin.id, name: 'console admin' } });
    expect(answer.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(answer.body)).not.toContain(admin.secret);
    expect(setCookie).toMatch(/^switchyard_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/);
    const secret = cookie.split('=')[1]!;
    const dump = JSON.stringify((await sql`select * from console_sessions`.execute(store.db)).rows);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(answer.body.csrfToken);

    const proxied = await signIn(admin.secret, { 'x-forwarded-proto': 'https' });
    expect(proxied.setCookie).toMatch(/; Secure$/);
  });

  it('accepts the cookie on every route; a write needs the matching X-CSRF-Token', async () => {
    const { answer, cookie } = await signIn(admin.secret);
    const csrf: string = answer.body.csrfToken;
    const who = await call(api.url, 'GET', '/api/v1/session', { headers: { cookie } });
    expect(who.body).toMatchObject({ via: 'session', csrfToken: csrf, token: { id: admin.id } });
    expect((await call(api.url, 'GET', '/api/v1/tokens', { headers: { cookie } })).status).toBe(200);

    const body = { name: 'from the console', scopes: ['connections:read'] };
    const missing = await call(api.url, 'POST', '/api/v1/tokens', { headers: { cookie }, body });
    expect(missing.status).toBe(403);
    expect(missing.body.error).toMatchObject({ code: 'csrf_required', details: { header: 'x-csrf-token' } });
    const wrong = await call(api.url, 'POST', '/api/v1/tokens', { headers: { cookie, 'x-csrf-token': `${csrf.slice(1)}x` }, body });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('csrf_mismatch');
    const made = await call(api.url, 'POST', '/api/v1/tokens', { headers: { cookie, 'x-csrf-token': csrf }, body });
    expect(made.status).toBe(201);

    // A bearer token still works as before, with no CSRF token (and wins over a cookie).
    expect((await call(api.url, 'POST', '/api/v1/tokens', { token: admin.secret, headers: { cookie: 'switchyard_session=bogus' }, body })).status).toBe(201);
  });

  it("gives a session exactly its token's scopes: a forged write from a read-only session is 403", async () => {
    const { answer, cookie } = await signIn(reader.secret);
    expect(answer.body.scopes).toEqual(['connections:read']);
    const forged = await call(api.url, 'POST', '/api/v1/tokens', { headers: { cookie, 'x-csrf-token': answer.body.csrfToken }, body: { name: 'escalate', scopes: ['connections:read'] } });
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatchObject({ code: 'insufficient_scope', details: { required: 'tokens:admin' } });
  });

  it('ends the session when its token is revoked, when it expires, and on sign-out', async () => {
    const doomed = await tokens.create({ name: 'doomed', scopes: ['connections:read'] });
    const revokedSession = await signIn(doomed.secret);
    expect((await call(api.url, 'GET', '/api/v1/session', { headers: { cookie: revokedSession.cookie } })).status).toBe(200);
    await tokens.revoke(doomed.token.id);
    const afterRevoke = await call(api.url, 'GET', '/api/v1/session', { headers: { cookie: revokedSession.cookie } });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error).toMatchObject({ code: 'session_invalid', message: 'the session ended: this API token was revoked', details: { reason: 'token_revoked' } });

    const expiring = await signIn(admin.secret);
    clock = new Date(clock.getTime() + ttlMs + 1000);
    const expired = await call(api.url, 'GET', '/api/v1/session', { headers: { cookie: expiring.cookie } });
    expect(expired.status).toBe(401);
    expect(expired.body.error.details).toEqual({ reason: 'expired' });

    const { answer, cookie } = await signIn(admin.secret);
    expect((await call(api.url, 'DELETE', '/api/v1/session', { headers: { cookie } })).body.error.code).toBe('csrf_required');
    const out = await call(api.url, 'DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': answer.body.csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^switchyard_session=; .*Max-Age=0/);
    expect((await call(api.url, 'GET', '/api/v1/session', { headers: { cookie } })).body.error.details).toEqual({ reason: 'unknown' });
    const bearer = await call(api.url, 'DELETE', '/api/v1/session', { token: admin.secret });
    expect(bearer.status).toBe(400);
    expect(bearer.body.error.code).toBe('no_session');
  });
});
