import { afterAll, describe, expect, it } from 'vitest';
import { migrateStore } from '../../src/store/store';
import { freshStores, kyselyAt, migrateUpTo } from '../support/store-migrations';
import { openTestStore } from '../support/stores';

/**
 * 017-sync-links-mapping on a store an earlier release left with links in it: they hold no mapping
 * fingerprint, which the remap walk reads as "written under another mapping"; a link saved from
 * then on records its own.
 */
const { backends, dropAll } = freshStores('switchyard-sync-links-mapping');

afterAll(dropAll);

describe.each(backends)('migration 017-sync-links-mapping on $name', ({ fresh }) => {
  it('keeps every link, with an unknown mapping; saved and re-evaluated links record theirs', async () => {
    const url = await fresh();
    await migrateUpTo(url, '016-sync-conversations');
    // As the sync store of that release wrote them (the definition itself does not matter here).
    const db = kyselyAt<{ sync_links: Record<string, string> }>(url);
    try {
      const link = (leftId: string, rightId: string) => ({ sync_id: 'contacts', left_id: leftId, right_id: rightId, left_hash: 'lh', right_hash: 'rh', state_json: '{"fields[0]":{"left":["Ada"],"right":["Ada"]}}', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-02-01T00:00:00.000Z' });
      await db.insertInto('sync_links').values([link('ic-1', '003A'), link('ic-2', '003B'), link('ic-3', '003C'), { ...link('ic-1', '003Z'), sync_id: 'companies' }]).execute();
    } finally {
      await db.destroy();
    }

    expect((await migrateStore(url)).migrated).toEqual(['017-sync-links-mapping', '018-sync-versions', '019-inbox-without-hash-index']);
    const store = await openTestStore(url);
    try {
      const ids = async (mapping: string, after = '', limit = 10) => (await store.syncs.linksToRemap('contacts', mapping, after, limit)).map((l) => l.leftId);
      const [first] = await store.syncs.linksToRemap('contacts', 'm1', '', 1);
      expect(first).toEqual({ leftId: 'ic-1', rightId: '003A', leftHash: 'lh', rightHash: 'rh', state: { 'fields[0]': { left: ['Ada'], right: ['Ada'] } } });
      expect(await ids('m1')).toEqual(['ic-1', 'ic-2', 'ic-3']);

      // A cycle saves ic-2 under m1, a remap page marks ic-3: only ic-1 is left to walk for m1, and all three for m2.
      await store.syncs.saveCycle('contacts', [{ leftId: 'ic-2', rightId: '003B', leftHash: 'lh2', rightHash: 'rh2', state: {}, mapping: 'm1' }], []);
      await store.syncs.setLinksMapping('contacts', ['ic-3'], 'm1');
      expect(await ids('m1')).toEqual(['ic-1']);
      expect(await ids('m2')).toEqual(['ic-1', 'ic-2', 'ic-3']);
      expect(await ids('m2', 'ic-1', 1)).toEqual(['ic-2']);
      expect((await store.syncs.links('contacts', 'left', ['ic-2'])).get('ic-2')?.mapping).toBe('m1');
      // Another sync's links are not touched.
      expect((await store.syncs.linksToRemap('companies', 'm1', '', 10)).map((l) => l.rightId)).toEqual(['003Z']);
    } finally {
      await store.close();
    }
  });
});
