import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial';
import * as m002 from './002-api-tokens';
import * as m003 from './003-webhook-subscriptions';
import * as m004 from './004-engine-outbox';
import * as m005 from './005-trigger-payloads';
import * as m006 from './006-sealed-webhook-messages';
import * as m007 from './007-credentials-version';
import * as m008 from './008-side-effect-ledger';
import * as m009 from './009-api-rate-limits';
import * as m010 from './010-event-inbox';
import * as m011 from './011-sync-links';
import * as m013 from './013-sessions';
import * as m014 from './014-integration-logs';
import * as m015 from './015-oauth-authorizations';
import * as m016 from './016-sync-conversations';
import * as m017 from './017-sync-links-mapping';
import * as m018 from './018-sync-versions';
import * as m019 from './019-inbox-without-hash-index';

/** One migration set for both dialects; append, never edit a shipped migration. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { '001-initial': m001, '002-api-tokens': m002, '003-webhook-subscriptions': m003, '004-engine-outbox': m004, '005-trigger-payloads': m005, '006-sealed-webhook-messages': m006, '007-credentials-version': m007, '008-side-effect-ledger': m008, '009-api-rate-limits': m009, '010-event-inbox': m010, '011-sync-links': m011, '013-sessions': m013, '014-integration-logs': m014, '015-oauth-authorizations': m015, '016-sync-conversations': m016, '017-sync-links-mapping': m017, '018-sync-versions': m018, '019-inbox-without-hash-index': m019 };
  },
};
