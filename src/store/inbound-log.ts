import { randomBytesPooled } from '../security/random-pool';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../logging';
import { counter } from '../metrics/registry';
import type { SecretBox } from '../security/secret-box';
import { GroupCommit } from './group-commit';
import { camelColumns } from './camel-columns';
import { resealTable, type ResealReport } from './reseal';
import type { Database } from './schema';
import { TableStore } from './table-store';
import { timeOrderedId } from './time-ordered-id';

interface InboundLogTable {
  id: string;
  received_at: string;
  connection_id: string;
  topic: string | null;
  outcome: string;
  reason: string | null;
  detail: string | null;
  status: number;
  event_count: number;
  runs_json: string;
  size_bytes: number;
  payload_ciphertext: string | null;
  payload_key_id: string | null;
}

export const inboundOutcomes = ['accepted', 'duplicate', 'unmatched', 'rejected'] as const;
export type InboundOutcome = (typeof inboundOutcomes)[number];

/** One delivery to /hooks/…, as the ingress saw it. */
export interface InboundLogEntry {
  receivedAt: string;
  connectionId: string;
  /** The delivery's topics (distinct, comma-separated when it carried several); null when it was refused before they were read. */
  topic: string | null;
  outcome: InboundOutcome;
  /** Why (a rejection's error code: bad_signature, unknown_connection, payload_too_large, rate_limited, malformed_json, store_unavailable, …); `challenge` for an answered handshake. */
  reason: string | null;
  /** The rejection's message (for a bad signature: the verifier's reason, which the sender is not told). */
  detail: string | null;
  /** The HTTP status answered. */
  status: number;
  eventCount: number;
  runs: { recipeId: string; runId: string }[];
  sizeBytes: number;
  /** The body as received (UTF-8); sealed at rest. Absent when not kept. */
  payload?: string;
}

export interface InboundLogRow extends Omit<InboundLogEntry, 'payload'> {
  id: string;
  /** Whether the body was kept (the detail route opens it). */
  hasPayload: boolean;
}

export interface InboundLogFilters {
  connection?: string;
  outcome?: InboundOutcome;
  /** One topic; matches deliveries that carried it among others too. */
  topic?: string;
  /** received_at >= since, < until (ISO 8601). */
  since?: string;
  until?: string;
  /** Rows older than this one (newest first): the previous page's last row. */
  before?: { receivedAt: string; id: string };
  limit: number;
}

/** Pending entries above which new ones are dropped (the store is down or far behind): the log never holds the ingress back. */
const MAX_PENDING = 10_000;

const recorded = counter('switchyard_inbound_log_writes_total', 'Inbound deliveries written to the inbound log, or dropped (the write failed or the backlog was full)', ['result']);

/**
 * The inbound delivery log (#17): every request to /hooks/… with its outcome, the runs it started
 * and its body, sealed at rest (AES-256-GCM, the AAD binds each body to its row). Written in
 * batches off the request path (`writer`); pruned after SWITCHYARD_INBOUND_LOG_RETENTION.
 */
export class InboundLog extends TableStore<{ inbound_log: InboundLogTable }> {
  constructor(
    db: Kysely<Database>,
    private readonly secrets: SecretBox,
  ) {
    super(db);
  }

  /** Inserts the entries in one statement (one transaction). */
  async append(entries: InboundLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e): InboundLogTable => {
      const id = timeOrderedId('il_', Date.parse(e.receivedAt), randomBytesPooled(12).toString('hex'));
      const sealed = e.payload === undefined ? undefined : this.secrets.seal(e.payload, aad(id));
      return {
        id,
        received_at: e.receivedAt,
        connection_id: e.connectionId.slice(0, 200),
        topic: e.topic?.slice(0, 1000) ?? null,
        outcome: e.outcome,
        reason: e.reason?.slice(0, 60) ?? null,
        detail: e.detail,
        status: e.status,
        event_count: e.eventCount,
        runs_json: JSON.stringify(e.runs),
        size_bytes: e.sizeBytes,
        payload_ciphertext: sealed?.ciphertext ?? null,
        payload_key_id: sealed?.keyId ?? null,
      };
    });
    await this.db.insertInto('inbound_log').values(rows).execute();
  }

  /**
   * A writer for the ingress: `record` returns at once; entries are written together by the next
   * group commit. A failed write is logged and counted, never thrown: the acknowledgement does not
   * depend on it.
   */
  writer(logger: Pick<Logger, 'warn'>): { record(entry: InboundLogEntry): void } {
    const commits = new GroupCommit(async (entries: InboundLogEntry[]) => {
      await this.append(entries);
      return entries.map(() => undefined);
    });
    let pending = 0;
    let warned = 0;
    const dropped = (n: number, err?: unknown) => {
      recorded.inc({ result: 'dropped' }, n);
      // One warning per minute at most: a store outage would otherwise log every delivery.
      if (Date.now() - warned < 60_000) return;
      warned = Date.now();
      logger.warn({ err: err instanceof Error ? err.message : err, pending }, 'could not write to the inbound log; entries dropped (acknowledgements are unaffected)');
    };
    return {
      record(entry) {
        if (pending >= MAX_PENDING) return dropped(1, `more than ${MAX_PENDING} entries waiting`);
        pending++;
        commits.append(entry).then(
          () => {
            pending--;
            recorded.inc({ result: 'written' });
          },
          (err: unknown) => {
            pending--;
            dropped(1, err);
          },
        );
      },
    };
  }

  /** Newest first, without bodies. */
  async list(filters: InboundLogFilters): Promise<InboundLogRow[]> {
    let q = this.db.selectFrom('inbound_log').select(['id', 'received_at', 'connection_id', 'topic', 'outcome', 'reason', 'detail', 'status', 'event_count', 'runs_json', 'size_bytes', 'payload_key_id']);
    if (filters.connection !== undefined) q = q.where('connection_id', '=', filters.connection);
    if (filters.outcome !== undefined) q = q.where('outcome', '=', filters.outcome);
    if (filters.topic !== undefined) {
      const like = `%,${filters.topic.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
      q = q.where(sql<boolean>`(',' || topic || ',') like ${like} escape '\\'`);
    }
    if (filters.since !== undefined) q = q.where('received_at', '>=', filters.since);
    if (filters.until !== undefined) q = q.where('received_at', '<', filters.until);
    const before = filters.before;
    if (before) q = q.where((eb) => eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(before.receivedAt, before.id)));
    const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(filters.limit).execute();
    return rows.map((r) => toRow(r));
  }

  /** One delivery with its body opened (undefined: pruned or never logged). */
  async get(id: string): Promise<(InboundLogRow & { payload: string | null }) | undefined> {
    const row = await this.db.selectFrom('inbound_log').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const payload = row.payload_key_id === null ? null : this.secrets.open({ keyId: row.payload_key_id, ciphertext: row.payload_ciphertext ?? '' }, aad(row.id));
    return { ...toRow(row), payload };
  }

  /** Deletes at most `limit` deliveries received before `before`; answers how many. */
  async prune(before: Date, limit = 1000): Promise<number> {
    const ids = await this.db.selectFrom('inbound_log').select('id').where('received_at', '<', before.toISOString()).limit(limit).execute();
    if (ids.length === 0) return 0;
    const result = await this.db.deleteFrom('inbound_log').where('id', 'in', ids.map((r) => r.id)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Re-encrypts every kept body not yet under the current key (`switchyard keys rotate`). */
  resealAll(): Promise<ResealReport> {
    return resealTable(this.db, this.secrets, { table: 'inbound_log', ciphertext: 'payload_ciphertext', keyId: 'payload_key_id', where: sql`payload_key_id is not null` }, aad);
  }
}

function toRow(r: Omit<InboundLogTable, 'payload_ciphertext'>): InboundLogRow {
  return {
    ...camelColumns(r, ['id', 'received_at', 'connection_id', 'topic', 'reason', 'detail']),
    outcome: r.outcome as InboundOutcome,
    status: Number(r.status),
    eventCount: Number(r.event_count),
    runs: JSON.parse(r.runs_json) as InboundLogRow['runs'],
    sizeBytes: Number(r.size_bytes),
    hasPayload: r.payload_key_id !== null,
  };
}

function aad(id: string): string {
  return `inbound-log:${id}`;
}
