import type { Kysely, Transaction } from 'kysely';
import type { SecretBox } from '../security/secret-box';
import { deliveryDigest } from './delivery-dedupe';
import { resealTable, type ResealReport } from './reseal';
import type { Database, Dialect } from './schema';
import { TableStore } from './table-store';
import { timeOrderedId } from './time-ordered-id';

interface EventInboxTable {
  id: string;
  source: string;
  event_hash: string;
  ciphertext: string;
  key_id: string;
  received_at: string;
}

type InboxDb = Database & { event_inbox: EventInboxTable };

/** One accepted event as the inbox keeps it: `body` is JSON text, sealed at rest. */
export interface InboxEntry {
  source: string;
  eventHash: string;
  receivedAt: string;
  body: string;
}

export interface InboxRow extends InboxEntry {
  id: string;
}

/**
 * The durable inbox (DESIGN §1). An accepted event is appended in the same transaction as its
 * delivery dedupe row, so a duplicate is recognised before the acknowledgement and an accepted one
 * is never lost; it leaves only once Temporal has its runs. Bodies are sealed (AES-256-GCM, the AAD
 * binds each to its row). On PostgreSQL a dispatcher claims rows with FOR UPDATE SKIP LOCKED, so of
 * several API processes one dispatches each row; SQLite serves one process.
 */
export class EventInbox extends TableStore<{ event_inbox: EventInboxTable }> {
  constructor(
    db: Kysely<Database>,
    private readonly secrets: SecretBox,
    private readonly dialect: Dialect,
  ) {
    super(db);
  }

  /**
   * One transaction: remembers every delivery and appends the fresh ones. Answers per entry the
   * row id, or undefined for a duplicate (of a delivery accepted before, or of an earlier entry).
   */
  async append(entries: InboxEntry[]): Promise<(string | undefined)[]> {
    // The first entry of each delivery, with its row id.
    const firsts = new Map<string, { entry: InboxEntry; id: string }>();
    for (const e of entries) {
      const delivery = deliveryKey(e.source, e.eventHash);
      if (!firsts.has(delivery)) firsts.set(delivery, { entry: e, id: rowId(e) });
    }
    const fresh = await this.db.transaction().execute(async (trx) => {
      const remembered = await trx
        .insertInto('inbound_deliveries')
        .values([...firsts.values()].map(({ entry: e }) => ({ connection_id: e.source, event_hash: e.eventHash, received_at: e.receivedAt })))
        .onConflict((oc) => oc.columns(['connection_id', 'event_hash']).doNothing())
        .returning(['connection_id', 'event_hash'])
        .execute();
      const keys = new Set(remembered.map((r) => deliveryKey(r.connection_id, r.event_hash)));
      const rows = [...firsts].filter(([delivery]) => keys.has(delivery)).map(([, { entry: e, id }]) => {
        const sealed = this.secrets.seal(e.body, aad(id));
        return { id, source: e.source, event_hash: e.eventHash, ciphertext: sealed.ciphertext, key_id: sealed.keyId, received_at: e.receivedAt };
      });
      if (rows.length > 0) await trx.insertInto('event_inbox').values(rows).onConflict((oc) => oc.column('id').doNothing()).execute();
      return keys;
    });
    return entries.map((e) => {
      const delivery = deliveryKey(e.source, e.eventHash);
      const first = firsts.get(delivery)!;
      return first.entry === e && fresh.has(delivery) ? first.id : undefined;
    });
  }

  /**
   * Claims those of `ids` still in the inbox and not claimed by another process, hands them to
   * `dispatch`, and removes the ids it answers (those Temporal has). Answers how many were removed.
   */
  claimIds(ids: string[], dispatch: (claimed: string[]) => Promise<string[]>): Promise<number> {
    return this.claim(
      (db) => db.selectFrom('event_inbox').select('id').where('id', 'in', ids),
      (rows) => dispatch(rows.map((r) => r.id)),
    );
  }

  /** As claimIds, for the oldest rows received before `receivedBefore` (the sweep). */
  claimOldest(limit: number, receivedBefore: string, dispatch: (rows: InboxRow[]) => Promise<string[]>): Promise<number> {
    return this.claim(
      (db) => db.selectFrom('event_inbox').selectAll().where('received_at', '<', receivedBefore).orderBy('received_at').limit(limit),
      (rows) =>
        dispatch(
          rows.map((r) => ({ id: r.id, source: r.source, eventHash: r.event_hash, receivedAt: r.received_at, body: this.secrets.open({ keyId: r.key_id, ciphertext: r.ciphertext }, aad(r.id)) })),
        ),
    );
  }

  private async claim<Row extends { id: string }>(
    select: (db: Kysely<InboxDb>) => { forUpdate(): { skipLocked(): { execute(): Promise<Row[]> } }; execute(): Promise<Row[]> },
    dispatch: (rows: Row[]) => Promise<string[]>,
  ): Promise<number> {
    const run = async (db: Kysely<InboxDb>, lock: boolean) => {
      const query = select(db);
      const rows = await (lock ? query.forUpdate().skipLocked() : query).execute();
      if (rows.length === 0) return 0;
      const done = await dispatch(rows);
      if (done.length === 0) return 0;
      const result = await db.deleteFrom('event_inbox').where('id', 'in', done).executeTakeFirst();
      return Number(result.numDeletedRows);
    };
    // SQLite: one process, whose dispatcher runs one claim at a time; a transaction held across
    // Temporal calls would only block the ingress's writes.
    if (this.dialect === 'sqlite') return run(this.db, false);
    return this.db.transaction().execute((trx: Transaction<InboxDb>) => run(trx, true));
  }

  /**
   * The run `run/<recipe>/<event hash>` while its event still waits here (acknowledged, not yet
   * started in Temporal): when its event was received and its topic; undefined otherwise.
   */
  async queuedRun(runId: string): Promise<{ recipeId: string; receivedAt: string; topic: string | null } | undefined> {
    const match = /^run\/([^/]+)\/([0-9a-f]{32})$/.exec(runId);
    if (!match) return undefined;
    const [, recipeId, hash] = match as unknown as [string, string, string];
    const rows = await this.db.selectFrom('event_inbox').selectAll().where('event_hash', '=', hash).execute();
    for (const r of rows) {
      const body = JSON.parse(this.secrets.open({ keyId: r.key_id, ciphertext: r.ciphertext }, aad(r.id))) as { event?: { topic?: string }; recipes?: string[] };
      if (body.recipes?.includes(recipeId)) return { recipeId, receivedAt: r.received_at, topic: body.event?.topic ?? null };
    }
    return undefined;
  }

  /** Re-encrypts every waiting body not yet under the current key (`switchyard keys rotate`). */
  resealAll(): Promise<ResealReport> {
    return resealTable(this.db, this.secrets, { table: 'event_inbox', ciphertext: 'ciphertext', keyId: 'key_id' }, aad);
  }

  /** How many events wait, and since when the oldest. */
  async stats(): Promise<{ depth: number; oldestReceivedAt?: string }> {
    const row = await this.db
      .selectFrom('event_inbox')
      .select((eb) => [eb.fn.countAll<string | number>().as('depth'), eb.fn.min('received_at').as('oldest')])
      .executeTakeFirst();
    return { depth: Number(row?.depth ?? 0), oldestReceivedAt: row?.oldest ?? undefined };
  }
}

const deliveryKey = (source: string, eventHash: string) => `${source}\n${eventHash}`;

/** Ordered by arrival (a batch's rows share a few index pages), unique by delivery (a hash of source and event hash). */
function rowId(e: InboxEntry): string {
  return timeOrderedId('ib_', Date.parse(e.receivedAt), deliveryDigest(e.source, e.eventHash).slice(0, 28));
}

function aad(id: string): string {
  return `event-inbox:${id}`;
}
