import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { SecretBox } from '../security/secret-box';
import { ConnectionStore } from './connections';
import { DeliveryDedupe } from './delivery-dedupe';
import { EffectLedger } from './effect-ledger';
import { EngineOutbox } from './engine-outbox';
import { EventInbox } from './event-inbox';
import { InboundLog } from './inbound-log';
import { runExclusively } from './exclusive';
import { OAuthAuthorizationStore } from './oauth-authorizations';
import { RecipeStore } from './recipes';
import type { Database, Dialect } from './schema';
import { ensureSchema, schemaStatus, type SchemaMode } from './schema-version';
import { tableChangeStamp } from './sqlite-change-stamp';
import { withStatementCache } from './statement-cache';
import { SyncConversationLedger } from './sync-conversations';
import { SyncStore } from './syncs';
import { TriggerPayloadStore } from './trigger-payloads';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  recipes: RecipeStore;
  connections: ConnectionStore;
  deliveries: DeliveryDedupe;
  /** Engine events from processes without a publisher, and the pollers' cursors. */
  outbox: EngineOutbox;
  /** Accepted inbound events waiting until Temporal has their runs. */
  inbox: EventInbox;
  /** Every delivery to /hooks/…: outcome, runs started, the sealed body (#17). */
  inboundLog: InboundLog;
  /** Large inbound payloads stored by reference. */
  payloads: TriggerPayloadStore;
  /** The side-effect ledger of the actions that reconcile. */
  effects: EffectLedger;
  /** CRM syncs: definitions, links, record histories, cursors. */
  syncs: SyncStore;
  /** The ledger of conversation transcripts syncs copied to the CRMs. */
  transcripts: SyncConversationLedger;
  /** OAuth Connect: authorizations waiting for consent (state hashed, PKCE verifier sealed, single use). */
  oauthAuthorizations: OAuthAuthorizationStore;
  /** The PostgreSQL pool (absent on SQLite), for libraries that keep their own rows in the store (the API rate limiter). */
  pgPool?: pg.Pool;
  /** Runs `fn` unless another process runs the same `name` now (see runExclusively); returns whether it ran. */
  exclusive(name: string, fn: () => Promise<void>): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the store (`sqlite:<file>` or `postgres://…`). Its schema is brought up to date, or with
 * `schema: 'verify'` only checked (an older schema is then a StoreSchemaError naming `switchyard migrate`);
 * a schema newer than this code always refuses.
 */
export async function openStore(databaseUrl: string, secrets: SecretBox, options: { schema?: SchemaMode } = {}): Promise<Store> {
  const { db, dialect, pool, sqlite } = connect(databaseUrl);
  try {
    await ensureSchema(db as Kysely<unknown>, options.schema ?? 'migrate');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    db,
    dialect,
    recipes: new RecipeStore(db),
    // On SQLite a connection read stays valid while nothing wrote the table (the webhook ack path reads one per delivery).
    connections: new ConnectionStore(db, secrets, sqlite && tableChangeStamp(sqlite, 'connections')),
    deliveries: new DeliveryDedupe(db),
    outbox: new EngineOutbox(db),
    inbox: new EventInbox(db, secrets, dialect),
    inboundLog: new InboundLog(db, secrets),
    payloads: new TriggerPayloadStore(db, secrets),
    effects: new EffectLedger(db, secrets, dialect),
    syncs: new SyncStore(db),
    transcripts: new SyncConversationLedger(db),
    oauthAuthorizations: new OAuthAuthorizationStore(db, secrets),
    pgPool: pool,
    exclusive: (name, fn) => runExclusively(db, dialect, name, fn),
    async ping() {
      await db.selectFrom('recipes').select('id').limit(1).execute();
    },
    close: () => db.destroy(),
  };
}

/** `switchyard migrate`: applies the pending migrations; a schema newer than the code refuses (StoreSchemaError). */
export async function migrateStore(databaseUrl: string): Promise<{ dialect: Dialect; migrated: string[]; applied: string[] }> {
  const { db, dialect } = connect(databaseUrl);
  try {
    const { migrated } = await ensureSchema(db as Kysely<unknown>, 'migrate');
    const { applied } = await schemaStatus(db as Kysely<unknown>);
    return { dialect, migrated, applied };
  } finally {
    await db.destroy();
  }
}

function connect(databaseUrl: string): { db: Kysely<Database>; dialect: Dialect; pool?: pg.Pool; sqlite?: SQLite.Database } {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    // Set, not inherited: better-sqlite3 is built with NORMAL as the default for a file already in
    // WAL mode (every start after the first), whose commits a power loss can take back. FULL fsyncs
    // the WAL at each commit, so an event the inbox acknowledged stays (one fsync per group commit).
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }), dialect: 'sqlite', sqlite: database };
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle connection closed by the server (pg_terminate_backend, a failover) is an 'error' event
  // on the pool; unheard, it would end the process. The pool drops that client and opens another.
  pool.on('error', () => undefined);
  // A checked-out client (a transaction held while the inbox dispatcher waits on Temporal) has no
  // pool listener: its connection closed by the server would be an unheard 'error' that ends the
  // process. Heard here, its next query fails and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', pool };
}
