import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyCommand } from '../../src/cli/local/recipe-command';
import type { SideSchema } from '../../src/recipe/sync-fields';
import type { Store } from '../../src/store/store';
import { testCatalog } from '../support/test-catalog';
import { openTestStore, storeBackends } from '../support/stores';
import { smallestContactsSync } from '../support/sync-definitions';

describe.each(storeBackends)('sync store on $name', ({ url }) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(url());
  });
  afterAll(() => store.close());

  const plan = (id: string, version: string, enabled = true) => ({ syncId: id, name: `Sync ${id}`, enabled, version, kind: 'sync' });

  it('applies definitions with a version counter, pauses without a new version, and removes with everything kept', async () => {
    const id = `s-${randomUUID()}`;
    expect(await store.syncs.apply({ src: 1 }, plan(id, 'h1'))).toEqual({ change: 'added', version: 1 });
    expect(await store.syncs.apply({ src: 1 }, plan(id, 'h1'))).toEqual({ change: 'unchanged', version: 1 });
    expect(await store.syncs.apply({ src: 2 }, plan(id, 'h2'))).toEqual({ change: 'changed', version: 2, previous: 1 });
    expect(await store.syncs.get(id)).toMatchObject({ id, version: 2, hash: 'h2', source: { src: 2 }, enabled: true, paused: false, plan: { syncId: id } });
    expect(await store.syncs.setPaused(id, true, new Date('2026-03-01T00:00:00Z'))).toMatchObject({ paused: true, version: 2, updatedAt: '2026-03-01T00:00:00.000Z' });
    expect(await store.syncs.setPaused(`nope-${id}`, true)).toBeUndefined();
    expect((await store.syncs.list()).map((s) => s.id)).toContain(id);

    await store.syncs.saveCycle(id, [{ leftId: 'l1', rightId: 'r1', leftHash: 'a', rightHash: 'b', state: {} }], [{ kind: 'write', side: 'right', recordId: 'r1', otherId: 'l1', detail: {} }]);
    await store.syncs.setCursor(id, 'left', '123');
    expect(await store.syncs.remove(id)).toBe(true);
    expect(await store.syncs.get(id)).toBeUndefined();
    expect(await store.syncs.linkCount(id)).toBe(0);
    expect(await store.syncs.events(id)).toEqual([]);
    expect(await store.syncs.cursors(id)).toEqual({});
    expect(await store.syncs.remove(id)).toBe(false);
  });

  it('keeps links by either side with the hashes and base values, replacing a link in place', async () => {
    const id = `s-${randomUUID()}`;
    const state = { 'fields[0]': { left: ['Ada Lovelace'], right: ['Ada', 'Lovelace'] } };
    await store.syncs.saveCycle(id, [
      { leftId: 'ic-1', rightId: '003A', leftHash: 'lh1', rightHash: 'rh1', state },
      { leftId: 'ic-2', rightId: '003B', leftHash: 'lh2', rightHash: 'rh2', state: {} },
    ], []);
    const byLeft = await store.syncs.links(id, 'left', ['ic-1', 'ic-3']);
    expect([...byLeft.keys()]).toEqual(['ic-1']);
    expect(byLeft.get('ic-1')).toEqual({ leftId: 'ic-1', rightId: '003A', leftHash: 'lh1', rightHash: 'rh1', state });
    await store.syncs.saveCycle(id, [{ leftId: 'ic-1', rightId: '003A', leftHash: 'lh9', rightHash: 'rh9', state: {} }], []);
    const byRight = await store.syncs.links(id, 'right', ['003A', '003B']);
    expect(byRight.get('003A')).toMatchObject({ leftId: 'ic-1', leftHash: 'lh9', rightHash: 'rh9' });
    expect(byRight.get('003B')).toMatchObject({ leftId: 'ic-2' });
    expect(await store.syncs.linkCount(id)).toBe(2);
    // One right record is linked to one left record at most.
    await expect(store.syncs.saveCycle(id, [{ leftId: 'ic-7', rightId: '003A', leftHash: 'x', rightHash: 'y', state: {} }], [])).rejects.toThrow();
    expect(await store.syncs.linkCount(id)).toBe(2);
  });

  it('records each record’s history and counts it per kind and side; cursors per side', async () => {
    const id = `s-${randomUUID()}`;
    await store.syncs.saveCycle(id, [], [
      { kind: 'write', side: 'right', recordId: '003A', otherId: 'ic-1', detail: { fields: ['FirstName'] } },
      { kind: 'write', side: 'left', recordId: 'ic-2', otherId: '003B', detail: {} },
      { kind: 'conflict', side: 'left', recordId: 'ic-1', otherId: '003A', detail: { field: 'fields[1]', winner: 'right' } },
      { kind: 'duplicate', side: 'left', recordId: 'ic-3', otherId: '003C', detail: { matches: ['003C', '003D'] } },
    ]);
    const counts = await store.syncs.eventCounts(id);
    expect(counts.write).toEqual({ left: 1, right: 1 });
    expect(counts.conflict).toEqual({ left: 1, right: 0 });
    expect(counts.duplicate).toEqual({ left: 1, right: 0 });
    expect(counts.error).toEqual({ left: 0, right: 0 });
    const conflicts = await store.syncs.events(id, { kind: 'conflict' });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'conflict', side: 'left', recordId: 'ic-1', otherId: '003A', detail: { field: 'fields[1]', winner: 'right' } });
    expect(await store.syncs.events(id, { kind: 'duplicate' })).toMatchObject([{ detail: { matches: ['003C', '003D'] } }]);

    expect(await store.syncs.cursors(id)).toEqual({});
    await store.syncs.setCursor(id, 'left', '1764424800', new Date('2026-11-29T14:00:00Z'));
    await store.syncs.setCursor(id, 'right', '2026-11-29T14:00:00Z|003A');
    await store.syncs.setCursor(id, 'left', '1764424900', new Date('2026-11-29T14:01:00Z'));
    expect(await store.syncs.cursors(id)).toMatchObject({ left: { cursor: '1764424900', updatedAt: '2026-11-29T14:01:00.000Z' }, right: { cursor: '2026-11-29T14:00:00Z|003A' } });
  });

  it('`recipe apply` checks a sync file against both sides’ schemas, then stores it beside the recipes', async () => {
    const id = `contacts-${randomUUID().slice(0, 8)}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'sync-apply-'));
    const sync = smallestContactsSync(id);
    const field = (name: string) => [name, { name, kind: 'string', vendorType: 'string', createable: true, updateable: true }] as const;
    const schemas = async (side: { connector: string }): Promise<SideSchema> =>
      side.connector === 'intercom' ? { label: 'Intercom contact', fields: new Map([field('email'), field('name')]) } : { label: 'Salesforce Contact', fields: new Map([field('Email'), field('FirstName')]) };
    const connections = new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]);
    const target = { recipes: store.recipes, syncs: store.syncs, connections, schemas };
    writeFileSync(path.join(dir, 'sync.json'), JSON.stringify(sync));
    const out: string[] = [];
    const err: string[] = [];
    expect(await applyCommand([dir], testCatalog, target, { prune: false }, (l) => out.push(l), (l) => err.push(l))).toBe(1);
    expect(err).toEqual([`${path.join(dir, 'sync.json')}:fields[0].right[1]: Salesforce Contact has no field "LastName"`, 'nothing applied: 1 error']);
    expect(await store.syncs.get(id)).toBeUndefined();

    const full = async (side: { connector: string }) => {
      const s = await schemas(side);
      return side.connector === 'intercom' ? s : { ...s, fields: new Map([...s.fields, field('LastName')]) };
    };
    out.length = 0;
    expect(await applyCommand([dir], testCatalog, { ...target, schemas: full }, { prune: false }, (l) => out.push(l), (l) => err.push(l))).toBe(0);
    expect(out).toEqual([`+ sync ${id} added (v1)`]);
    expect(await store.syncs.get(id)).toMatchObject({ id, version: 1 });
    out.length = 0;
    expect(await applyCommand([dir], testCatalog, { ...target, schemas: full }, { prune: false }, (l) => out.push(l), (l) => err.push(l))).toBe(0);
    expect(out).toEqual([`= sync ${id} unchanged (v1)`]);
  });
});
