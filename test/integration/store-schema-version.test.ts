import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreSchemaError } from '../../src/store/schema-version';
import { createSecretBox } from '../../src/security/secret-box';
import { migrateStore, openStore } from '../../src/store/store';
import { freshStores, kyselyAt, migrateUpTo } from '../support/store-migrations';
import { openTestStore, testSecretKey } from '../support/stores';

/** A store older or newer than the code: only setup/migrate/dev migrate; api/worker (verify) refuse with the fix; newer always refuses. */
const { backends, dropAll } = freshStores('switchyard-schema');

afterAll(dropAll);

describe.each(backends)('store schema version on $name', ({ fresh }) => {
  it('an api/worker (verify) refuses an older schema, naming `switchyard migrate`, and changes nothing', async () => {
    const url = await fresh();
    await migrateUpTo(url, '005-trigger-payloads');
    const refused = openTestStoreVerified(url);
    await expect(refused).rejects.toThrow(StoreSchemaError);
    await expect(refused).rejects.toThrow("the store's schema is older than this release: migration 006-sealed-webhook-messages, 007-credentials-version, 008-side-effect-ledger, 009-api-rate-limits, 010-event-inbox, 011-sync-links, 013-sessions, 014-integration-logs, 015-oauth-authorizations, 016-sync-conversations, 017-sync-links-mapping, 018-sync-versions, 019-inbox-without-hash-index not applied — run `switchyard migrate`");

    const db = kyselyAt(url);
    try {
      const messages = (await db.introspection.getTables()).find((t) => t.name === 'webhook_messages');
      expect(messages?.columns.map((c) => c.name)).not.toContain('payload_ciphertext');
    } finally {
      await db.destroy();
    }
  });

  it('`switchyard migrate` applies what is missing, once; then verify opens it', async () => {
    const url = await fresh();
    await migrateUpTo(url, '003-webhook-subscriptions');
    expect((await migrateStore(url)).migrated).toEqual(['004-engine-outbox', '005-trigger-payloads', '006-sealed-webhook-messages', '007-credentials-version', '008-side-effect-ledger', '009-api-rate-limits', '010-event-inbox', '011-sync-links', '013-sessions', '014-integration-logs', '015-oauth-authorizations', '016-sync-conversations', '017-sync-links-mapping', '018-sync-versions', '019-inbox-without-hash-index']);
    expect((await migrateStore(url)).migrated).toEqual([]);
    const store = await openTestStoreVerified(url);
    await store.close();
  });

  it('applies a migration whose number landed after a later one was applied (numbers are reserved in parallel)', async () => {
    const url = await fresh();
    await (await openTestStore(url)).close();
    const db = kyselyAt(url);
    try {
      // A store migrated by a release that had 009 but not yet 008.
      await sql`delete from kysely_migration where name = ${'008-side-effect-ledger'}`.execute(db);
      await db.schema.dropTable('effect_ledger').execute();
    } finally {
      await db.destroy();
    }
    expect((await migrateStore(url)).migrated).toEqual(['008-side-effect-ledger']);
    const store = await openTestStoreVerified(url);
    await store.effects.begin('run/x/step', 'jira.createIssue');
    await store.close();
  });

  it('a schema newer than the code (a rollback after a migration) refuses in every mode', async () => {
    const url = await fresh();
    await (await openTestStore(url)).close();
    const db = kyselyAt(url);
    try {
      await sql`insert into kysely_migration (name, timestamp) values (${'006-from-a-later-release'}, ${new Date().toISOString()})`.execute(db);
    } finally {
      await db.destroy();
    }
    const newer = "the store's schema is newer than this release: it has migration 006-from-a-later-release, which this code does not know";
    await expect(openTestStore(url)).rejects.toThrow(newer);
    await expect(openTestStoreVerified(url)).rejects.toThrow(newer);
    await expect(migrateStore(url)).rejects.toThrow(newer);
  });
});

function openTestStoreVerified(url: string) {
  return openStore(url, createSecretBox([testSecretKey]), { schema: 'verify' });
}
