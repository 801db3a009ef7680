import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { openTestStore, storeBackends } from '../support/stores';

/**
 * Issue #13: on SQLite a connection lookup (one per webhook delivery) is answered from the previous
 * one while nothing wrote the table. Every write must still be seen by the next lookup: through the
 * same store, through another class on the same SQLite connection (the engine outbox), and through
 * another connection to the file (another process). On PostgreSQL every lookup reads the row.
 */
describe.each(storeBackends)('connection lookups on $name see every write', ({ name, url }) => {
  const remembers = name === 'sqlite';
  let file: string;
  let store: Store;
  let other: Store;

  beforeAll(async () => {
    file = url();
    store = await openTestStore(file);
    other = await openTestStore(file);
  });
  afterAll(async () => {
    await store.close();
    await other.close();
  });

  const created = async (secret = 'first') => {
    const id = `c-${randomUUID()}`;
    await store.connections.create({ id, connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
    return id;
  };
  const secretOf = async (s: Store, id: string) => ((await s.connections.lookup(id))?.open().credentials as { clientSecret?: string } | undefined)?.clientSecret;

  it('answers a repeated lookup from the previous one only while nothing changed', async () => {
    const id = await created();
    const first = await store.connections.lookup(id);
    const again = await store.connections.lookup(id);
    expect(again?.open().credentials).toEqual({ clientSecret: 'first' });
    expect(again === first).toBe(remembers);
    expect(again?.open() === again?.open()).toBe(true);
  });

  it('sees credentials, details and status written through the same store', async () => {
    const id = await created();
    expect(await secretOf(store, id)).toBe('first');
    await store.connections.updateCredentials(id, { clientSecret: 'second' });
    expect(await secretOf(store, id)).toBe('second');
    await store.connections.updateDetails(id, { name: 'Renamed' });
    expect((await store.connections.lookup(id))?.connection.name).toBe('Renamed');
    await store.connections.setStatus(id, 'paused', 'by an operator');
    expect((await store.connections.lookup(id))?.connection).toMatchObject({ status: 'paused', statusReason: 'by an operator' });
    expect(await store.connections.remove(id)).toBe(true);
    expect(await store.connections.lookup(id)).toBeUndefined();
  });

  it('sees a disconnect the engine outbox wrote on the same connection to the store', async () => {
    const id = await created();
    expect((await store.connections.lookup(id))?.connection.status).toBe('connected');
    expect(await store.outbox.disconnect(id, '401: token revoked')).toBe(true);
    expect((await store.connections.lookup(id))?.connection).toMatchObject({ status: 'disconnected', statusReason: '401: token revoked' });
  });

  it('sees what another store (another process) wrote: new credentials, a removal, the same id created again', async () => {
    const id = await created();
    expect(await secretOf(store, id)).toBe('first');
    await other.connections.updateCredentials(id, { clientSecret: 'rotated' });
    expect(await secretOf(store, id)).toBe('rotated');
    await other.connections.remove(id);
    expect(await store.connections.lookup(id)).toBeUndefined();
    await other.connections.create({ id, connector: 'intercom', name: 'Intercom', credentials: { clientSecret: 'third' } });
    expect(await secretOf(store, id)).toBe('third');
  });

  it.runIf(remembers)('sees a row changed by a plain SQLite connection between a lookup and the next', async () => {
    const id = await created();
    const looked = await store.connections.lookup(id);
    const raw = new SQLite(file.slice('sqlite:'.length));
    try {
      raw.prepare('update connections set name = ? where id = ?').run('Written elsewhere', id);
    } finally {
      raw.close();
    }
    const after = await store.connections.lookup(id);
    expect(after).not.toBe(looked);
    expect(after?.connection.name).toBe('Written elsewhere');
  });

  it('hands out credentials that a caller cannot change for the next one', async () => {
    const id = await created();
    const credentials = (await store.connections.lookup(id))!.open().credentials as { clientSecret: string };
    expect(() => {
      credentials.clientSecret = 'changed by a caller';
    }).toThrow(TypeError);
    expect(await secretOf(store, id)).toBe('first');
  });
});
