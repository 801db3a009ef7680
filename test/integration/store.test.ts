import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../../src/store/store';
import { openTestStore, storeBackends } from '../support/stores';

describe.each(storeBackends)('store on $name', ({ url }) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(url());
  });
  afterAll(() => store.close());

  const plan = (id: string, version: string, enabled = true) => ({ recipeId: id, name: `Recipe ${id}`, enabled, version, steps: [] });

  it('keeps every applied change of a recipe as a numbered version', async () => {
    const id = `r-${randomUUID()}`;
    expect(await store.recipes.apply({ src: 1 }, plan(id, 'h1'))).toEqual({ change: 'added', version: 1 });
    expect(await store.recipes.apply({ src: 1 }, plan(id, 'h1'))).toEqual({ change: 'unchanged', version: 1 });
    expect(await store.recipes.apply({ src: 2 }, plan(id, 'h2'))).toEqual({ change: 'changed', version: 2, previous: 1 });
    const current = await store.recipes.get(id);
    expect(current).toMatchObject({ id, version: 2, hash: 'h2', source: { src: 2 }, enabled: true });
    expect((await store.recipes.versions(id)).map((v) => v.hash)).toEqual(['h1', 'h2']);
  });

  it('lists only enabled recipes for matching, and removes with history', async () => {
    const on = `on-${randomUUID()}`;
    const off = `off-${randomUUID()}`;
    await store.recipes.apply({}, plan(on, 'a'));
    await store.recipes.apply({}, plan(off, 'b', false));
    const enabled = (await store.recipes.listEnabled()).map((r) => r.id);
    expect(enabled).toContain(on);
    expect(enabled).not.toContain(off);
    expect(await store.recipes.remove(on)).toBe(true);
    expect(await store.recipes.get(on)).toBeUndefined();
    expect(await store.recipes.versions(on)).toEqual([]);
  });

  it('enables and disables a recipe without a new version; the plan read back follows', async () => {
    const id = `t-${randomUUID()}`;
    await store.recipes.apply({ v: 1 }, plan(id, 'h1'));
    const off = await store.recipes.setEnabled(id, false, new Date('2026-03-01T00:00:00Z'));
    expect(off).toMatchObject({ id, enabled: false, version: 1, plan: { enabled: false }, updatedAt: '2026-03-01T00:00:00.000Z' });
    expect((await store.recipes.listEnabled()).map((r) => r.id)).not.toContain(id);
    expect((await store.recipes.list()).find((r) => r.id === id)?.plan.enabled).toBe(false);
    expect(await store.recipes.setEnabled(id, true)).toMatchObject({ enabled: true, version: 1, plan: { enabled: true } });
    expect((await store.recipes.listEnabled()).map((r) => r.id)).toContain(id);
    expect(await store.recipes.versions(id)).toEqual([{ version: 1, hash: 'h1', name: `Recipe ${id}`, createdAt: expect.any(String) }]);
    expect(await store.recipes.setEnabled(`missing-${randomUUID()}`, true)).toBeUndefined();
  });

  it('stores connection credentials sealed, never as plaintext, and opens them again', async () => {
    const id = `c-${randomUUID()}`;
    const canary = `canary-${randomUUID()}`;
    const created = await store.connections.create({ id, connector: 'jira', name: 'Jira', credentials: { token: canary } });
    expect(created).not.toHaveProperty('credentials');
    expect(await store.connections.credentials(id)).toEqual({ token: canary });
    const raw = await sql<{ credentials_ciphertext: string }>`select credentials_ciphertext from connections where id = ${id}`.execute(store.db);
    expect(raw.rows[0]!.credentials_ciphertext).not.toContain(canary);
    expect(Buffer.from(raw.rows[0]!.credentials_ciphertext, 'base64').toString('latin1')).not.toContain(canary);
  });

  it('refuses a ciphertext moved to another connection (authenticated data binds it)', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await store.connections.create({ id: a, connector: 'jira', name: 'A', credentials: { token: 'secret-a' } });
    await store.connections.create({ id: b, connector: 'jira', name: 'B', credentials: { token: 'secret-b' } });
    await sql`update connections set credentials_ciphertext = (select credentials_ciphertext from connections where id = ${a}) where id = ${b}`.execute(store.db);
    await expect(store.connections.credentials(b)).rejects.toThrow();
  });

  it('clears a disconnect when credentials are updated', async () => {
    const id = `d-${randomUUID()}`;
    await store.connections.create({ id, connector: 'jira', name: 'D', credentials: { token: 'old' } });
    expect(await store.connections.setStatus(id, 'disconnected', '401 from Jira: token revoked')).toBe('connected');
    expect(await store.connections.get(id)).toMatchObject({ status: 'disconnected', statusReason: '401 from Jira: token revoked' });
    await store.connections.updateCredentials(id, { token: 'new' });
    expect(await store.connections.get(id)).toMatchObject({ status: 'connected', statusReason: null });
    expect(await store.connections.credentials(id)).toEqual({ token: 'new' });
  });

  it('creates a connection once when two creates race; upsert replaces an existing one', async () => {
    const id = `race-${randomUUID()}`;
    const created = await Promise.all([1, 2].map((n) => store.connections.createIfAbsent({ id, connector: 'jira', name: `R${n}`, credentials: { token: `t${n}` } })));
    expect(created.filter(Boolean)).toHaveLength(1);
    const winner = created.indexOf(true) + 1;
    expect(await store.connections.credentials(id)).toEqual({ token: `t${winner}` });
    await store.connections.upsert({ id, connector: 'jira', name: 'Replaced', credentials: { token: 'new' } });
    expect(await store.connections.get(id)).toMatchObject({ name: 'Replaced' });
    expect(await store.connections.credentials(id)).toEqual({ token: 'new' });
  });

  it('upsert answers the row it wrote: new credentials restore a disconnected connection, a paused one stays paused', async () => {
    const id = `upsert-${randomUUID()}`;
    const input = { id, connector: 'jira', name: 'U', credentials: { token: 't1' }, baseUrl: 'https://u.example' };
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    expect(await store.connections.upsert(input, t(0))).toEqual(await store.connections.get(id));
    await store.connections.setStatus(id, 'disconnected', 'auth_lost', t(1));
    const restored = await store.connections.upsert({ ...input, name: 'U2', credentials: { token: 't2' }, baseUrl: null }, t(2));
    expect(restored).toMatchObject({ name: 'U2', baseUrl: null, status: 'connected', statusReason: null, statusChangedAt: t(2).toISOString(), updatedAt: t(2).toISOString() });
    expect(restored).toEqual(await store.connections.get(id));
    expect(await store.connections.boundCredentials(id)).toMatchObject({ credentials: { token: 't2' }, version: 2 });
    await store.connections.setStatus(id, 'paused', 'by admin', t(3));
    const paused = await store.connections.upsert({ ...input, credentials: { token: 't3' } }, t(4));
    expect(paused).toMatchObject({ status: 'paused', statusReason: 'by admin', statusChangedAt: t(3).toISOString(), updatedAt: t(4).toISOString() });
    expect(paused).toEqual(await store.connections.get(id));
  });

  it('remembers inbound deliveries once and prunes them after seven days', async () => {
    const conn = `hooks-${randomUUID()}`;
    expect(await store.deliveries.seen(conn, 'e1')).toBe(false);
    await store.deliveries.remember(conn, 'e1', new Date('2026-01-01T00:00:00Z'));
    await store.deliveries.remember(conn, 'e1', new Date('2026-01-01T00:00:00Z'));
    expect(await store.deliveries.seen(conn, 'e1')).toBe(true);
    await store.deliveries.prune(new Date('2026-01-07T23:00:00Z'));
    expect(await store.deliveries.seen(conn, 'e1')).toBe(true);
    await store.deliveries.prune(new Date('2026-01-08T01:00:00Z'));
    expect(await store.deliveries.seen(conn, 'e1')).toBe(false);
  });
});
