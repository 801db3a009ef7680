import { afterAll, describe, expect, it } from 'vitest';
import { compileSync } from '../../src/recipe/sync-compile';
import { migrateStore } from '../../src/store/store';
import { freshStores, kyselyAt, migrateUpTo } from '../support/store-migrations';
import { openTestStore } from '../support/stores';
import { intercomContactsSync, salesforceContacts } from '../support/sync-definitions';

/** 018-sync-versions on a store an earlier release left with syncs in it: each sync's current version becomes its first history row. */
const { backends, dropAll } = freshStores('switchyard-sync-versions');

afterAll(dropAll);

const planOf = (source: Record<string, unknown>) => {
  const compiled = compileSync(source, { connections: new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]) });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  return compiled.plan;
};

describe.each(backends)('migration 018-sync-versions on $name', ({ fresh }) => {
  it('backfills the current version of every existing sync; the next change is the version after it', async () => {
    const url = await fresh();
    await migrateUpTo(url, '016-sync-conversations');
    const source = intercomContactsSync('contacts', salesforceContacts);
    const plan = planOf(source);
    // As the sync store of that release wrote it: at version 3, last changed at updated_at.
    const db = kyselyAt<{ syncs: Record<string, string | number> }>(url);
    try {
      const row = { name: plan.name, enabled: 1, paused: 0, version: 3, hash: plan.version, source_json: JSON.stringify(source), plan_json: JSON.stringify(plan), created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-02-01T00:00:00.000Z' };
      await db.insertInto('syncs').values([{ id: 'contacts', ...row }, { id: 'companies', ...row, version: 1, name: 'Companies', plan_json: JSON.stringify({ ...plan, syncId: 'companies', name: 'Companies' }) }]).execute();
    } finally {
      await db.destroy();
    }

    expect((await migrateStore(url)).migrated).toContain('018-sync-versions');
    const store = await openTestStore(url);
    try {
      expect(await store.syncs.versions('contacts')).toEqual([{ version: 3, hash: plan.version, name: plan.name, createdAt: '2026-02-01T00:00:00.000Z' }]);
      expect(await store.syncs.versions('companies')).toEqual([{ version: 1, hash: plan.version, name: 'Companies', createdAt: '2026-02-01T00:00:00.000Z' }]);
      expect((await store.syncs.version('contacts', 3))?.source).toEqual(source);
      expect(await store.syncs.version('contacts', 2)).toBeUndefined();

      const changed = { ...source, name: 'Contacts, renamed' };
      expect(await store.syncs.apply(changed, planOf(changed))).toEqual({ change: 'changed', version: 4, previous: 3 });
      expect((await store.syncs.versions('contacts')).map((v) => [v.version, v.name])).toEqual([
        [3, plan.name],
        [4, 'Contacts, renamed'],
      ]);
      expect(await store.syncs.remove('contacts')).toBe(true);
      expect(await store.syncs.versions('contacts')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
