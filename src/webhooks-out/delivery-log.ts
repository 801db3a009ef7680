import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { SecretBox } from '../security/secret-box';
import { resealTable, type ResealReport } from '../store/reseal';
import type { WebhookDb, WebhookAttemptTable, WebhookDeliveryTable } from './tables';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Message {
  id: string;
  topic: string;
  item: unknown;
  createdAt: string;
  /** The connection the message is about, if any. */
  connectionId?: string;
}

export interface Delivery {
  subscriptionId: string;
  messageId: string;
  topic: string;
  status: DeliveryStatus;
  attempts: number;
  firstSentAt: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

export interface Attempt {
  attempt: number;
  attemptedAt: string;
  outcome: string;
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  nextAttemptAt: string | null;
}

export interface AttemptRecord extends Omit<Attempt, 'attempt'> {
  subscriptionId: string;
  messageId: string;
  attempt: number;
  /** The delivery's status after this attempt. */
  deliveryStatus: DeliveryStatus;
}

export interface OutgoingLogFilters {
  subscription?: string;
  connection?: string;
  status?: DeliveryStatus;
  topic?: string;
  /** Messages created at or after `since`, before `until` (ISO 8601). */
  since?: string;
  until?: string;
  before?: { createdAt: string; messageId: string; subscriptionId: string };
  limit: number;
}

/** A delivery in the outgoing log: the delivery, the connection its message is about, and its last attempt. */
export interface OutgoingLogEntry extends Delivery {
  connectionId: string | null;
  lastAttempt: Attempt | null;
}

/** Published messages, one delivery per (subscription, message), and every attempt. */
export class DeliveryLog {
  constructor(
    private readonly db: WebhookDb,
    private readonly secrets: SecretBox,
  ) {}

  /** Inserts the message (its payload sealed) unless a message with this id exists; true if it was new. */
  async addMessage(message: Message): Promise<boolean> {
    const sealed = this.secrets.seal(JSON.stringify(message.item), aad(message.id));
    const result = await this.db
      .insertInto('webhook_messages')
      .values({ id: message.id, topic: message.topic, payload_json: '', payload_ciphertext: sealed.ciphertext, payload_key_id: sealed.keyId, created_at: message.createdAt, connection_id: message.connectionId ?? null })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async message(id: string): Promise<Message | undefined> {
    const row = await this.db.selectFrom('webhook_messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const json = row.payload_key_id === null ? row.payload_json : this.secrets.open({ keyId: row.payload_key_id, ciphertext: row.payload_ciphertext ?? '' }, aad(id));
    return { id: row.id, topic: row.topic, item: JSON.parse(json), createdAt: row.created_at, ...(row.connection_id ? { connectionId: row.connection_id } : {}) };
  }

  /** Seals rows from before sealing and re-encrypts the rest under the current key (`switchyard keys rotate`). */
  resealMessages(): Promise<ResealReport> {
    return resealTable(this.db, this.secrets, { table: 'webhook_messages', ciphertext: 'payload_ciphertext', keyId: 'payload_key_id', legacyPlaintext: 'payload_json' }, aad);
  }

  /** A pending delivery row; true if it was new. */
  async addDelivery(subscriptionId: string, message: Message, now: Date): Promise<boolean> {
    const result = await this.db
      .insertInto('webhook_deliveries')
      .values({
        subscription_id: subscriptionId,
        message_id: message.id,
        status: 'pending',
        attempts: 0,
        first_sent_at: null,
        last_attempt_at: null,
        next_attempt_at: now.toISOString(),
        last_status_code: null,
        last_error: null,
        message_created_at: message.createdAt,
        updated_at: now.toISOString(),
      })
      .onConflict((oc) => oc.columns(['subscription_id', 'message_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Counts one more attempt and stamps `first_sent_at` on the first; returns the attempt number and first send time. */
  async beginAttempt(subscriptionId: string, messageId: string, at: Date): Promise<{ attempt: number; firstSentAt: string } | undefined> {
    const iso = at.toISOString();
    await this.db
      .updateTable('webhook_deliveries')
      .set({ attempts: sql`attempts + 1`, first_sent_at: sql`coalesce(first_sent_at, ${iso})`, last_attempt_at: iso, updated_at: iso })
      .where('subscription_id', '=', subscriptionId)
      .where('message_id', '=', messageId)
      .execute();
    const row = await this.delivery(subscriptionId, messageId);
    return row && { attempt: row.attempts, firstSentAt: row.firstSentAt ?? iso };
  }

  async recordAttempt(r: AttemptRecord): Promise<void> {
    const row: WebhookAttemptTable = {
      id: 'att_' + randomBytes(12).toString('hex'),
      subscription_id: r.subscriptionId,
      message_id: r.messageId,
      attempt: r.attempt,
      attempted_at: r.attemptedAt,
      outcome: r.outcome,
      status_code: r.statusCode,
      latency_ms: Math.round(r.latencyMs),
      response_snippet: r.responseSnippet,
      error: r.error,
      next_attempt_at: r.nextAttemptAt,
    };
    await this.db.insertInto('webhook_attempts').values(row).execute();
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: r.deliveryStatus,
        next_attempt_at: r.nextAttemptAt,
        last_status_code: r.statusCode,
        last_error: r.error,
        updated_at: r.attemptedAt,
      })
      .where('subscription_id', '=', r.subscriptionId)
      .where('message_id', '=', r.messageId)
      .execute();
  }

  async setStatus(subscriptionId: string, messageId: string, status: DeliveryStatus, at: Date, error?: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status, next_attempt_at: status === 'pending' ? at.toISOString() : null, updated_at: at.toISOString(), ...(error ? { last_error: error } : {}) })
      .where('subscription_id', '=', subscriptionId)
      .where('message_id', '=', messageId)
      .execute();
  }

  /** failed → pending, atomically; false if the delivery was not failed (someone else took it). */
  async claimFailed(subscriptionId: string, messageId: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: at.toISOString(), updated_at: at.toISOString() })
      .where('subscription_id', '=', subscriptionId)
      .where('message_id', '=', messageId)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delivery(subscriptionId: string, messageId: string): Promise<Delivery | undefined> {
    const row = await this.deliveryQuery().where('d.subscription_id', '=', subscriptionId).where('d.message_id', '=', messageId).executeTakeFirst();
    return row && toDelivery(row);
  }

  /** Newest first. */
  async deliveries(subscriptionId: string, opts: { status?: DeliveryStatus; limit: number; before?: string }): Promise<Delivery[]> {
    let q = this.deliveryQuery().where('d.subscription_id', '=', subscriptionId);
    if (opts.status) q = q.where('d.status', '=', opts.status);
    if (opts.before) q = q.where('d.message_created_at', '<', opts.before);
    const rows = await q.orderBy('d.message_created_at', 'desc').orderBy('d.message_id', 'desc').limit(opts.limit).execute();
    return rows.map(toDelivery);
  }

  /**
   * The outgoing log across subscriptions, newest message first, each delivery with its last
   * attempt (status code, response excerpt, error). `before` is the previous page's last entry.
   */
  async logEntries(filters: OutgoingLogFilters): Promise<OutgoingLogEntry[]> {
    let q = this.deliveryQuery().select('m.connection_id');
    if (filters.subscription !== undefined) q = q.where('d.subscription_id', '=', filters.subscription);
    if (filters.connection !== undefined) q = q.where('m.connection_id', '=', filters.connection);
    if (filters.status !== undefined) q = q.where('d.status', '=', filters.status);
    if (filters.topic !== undefined) q = q.where('m.topic', '=', filters.topic);
    if (filters.since !== undefined) q = q.where('d.message_created_at', '>=', filters.since);
    if (filters.until !== undefined) q = q.where('d.message_created_at', '<', filters.until);
    const before = filters.before;
    // Keyset paging by row value: (created, message, subscription) before the previous page's last entry.
    if (before) q = q.where((eb) => eb(eb.refTuple('d.message_created_at', 'd.message_id', 'd.subscription_id'), '<', eb.tuple(before.createdAt, before.messageId, before.subscriptionId)));
    const rows = await q.orderBy('d.message_created_at', 'desc').orderBy('d.message_id', 'desc').orderBy('d.subscription_id', 'desc').limit(filters.limit).execute();
    if (rows.length === 0) return [];
    const attempts = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('message_id', 'in', [...new Set(rows.map((r) => r.message_id))])
      .execute();
    const last = new Map<string, WebhookAttemptTable>();
    for (const a of attempts) {
      const key = `${a.subscription_id}\u0000${a.message_id}`;
      const seen = last.get(key);
      if (!seen || a.attempt > seen.attempt || (a.attempt === seen.attempt && a.attempted_at > seen.attempted_at)) last.set(key, a);
    }
    return rows.map((row) => {
      const a = last.get(`${row.subscription_id}\u0000${row.message_id}`);
      return {
        ...toDelivery(row),
        connectionId: row.connection_id,
        lastAttempt: a ? { attempt: a.attempt, attemptedAt: a.attempted_at, outcome: a.outcome, statusCode: a.status_code, latencyMs: a.latency_ms, responseSnippet: a.response_snippet, error: a.error, nextAttemptAt: a.next_attempt_at } : null,
      };
    });
  }

  async attempts(subscriptionId: string, messageId: string): Promise<Attempt[]> {
    const rows = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('subscription_id', '=', subscriptionId)
      .where('message_id', '=', messageId)
      .orderBy('attempt')
      .orderBy('attempted_at')
      .execute();
    return rows.map((r) => ({
      attempt: r.attempt,
      attemptedAt: r.attempted_at,
      outcome: r.outcome,
      statusCode: r.status_code,
      latencyMs: r.latency_ms,
      responseSnippet: r.response_snippet,
      error: r.error,
      nextAttemptAt: r.next_attempt_at,
    }));
  }

  /** Failed deliveries of messages created in [since, until], oldest first, after the cursor. */
  async failed(
    subscriptionId: string,
    opts: { since: string; until: string; after?: { createdAt: string; messageId: string }; limit: number },
  ): Promise<{ messageId: string; createdAt: string }[]> {
    let q = this.db
      .selectFrom('webhook_deliveries')
      .select(['message_id', 'message_created_at'])
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'failed')
      .where('message_created_at', '>=', opts.since)
      .where('message_created_at', '<=', opts.until);
    const after = opts.after;
    if (after) q = q.where((eb) => eb(eb.refTuple('message_created_at', 'message_id'), '>', eb.tuple(after.createdAt, after.messageId)));
    const rows = await q.orderBy('message_created_at').orderBy('message_id').limit(opts.limit).execute();
    return rows.map((r) => ({ messageId: r.message_id, createdAt: r.message_created_at }));
  }

  /**
   * Deletes messages created before `before` with no delivery still pending, with their
   * deliveries and attempts (a batch of at most `limit`); returns how many. Recover and
   * redeliver only reach what is retained.
   */
  async prune(before: Date, limit = 1000): Promise<number> {
    const rows = await this.db
      .selectFrom('webhook_messages as m')
      .select('m.id')
      .where('m.created_at', '<', before.toISOString())
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.message_id').whereRef('d.message_id', '=', 'm.id').where('d.status', '=', 'pending'))),
      )
      .limit(limit)
      .execute();
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return 0;
    await this.db.deleteFrom('webhook_attempts').where('message_id', 'in', ids).execute();
    await this.db.deleteFrom('webhook_deliveries').where('message_id', 'in', ids).execute();
    const result = await this.db.deleteFrom('webhook_messages').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private deliveryQuery() {
    return this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_messages as m', 'm.id', 'd.message_id')
      .selectAll('d')
      .select('m.topic');
  }
}

function toDelivery(row: WebhookDeliveryTable & { topic: string }): Delivery {
  return {
    subscriptionId: row.subscription_id,
    messageId: row.message_id,
    topic: row.topic,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    firstSentAt: row.first_sent_at,
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.message_created_at,
  };
}

function aad(messageId: string): string {
  return `switchyard/webhook-message/${messageId}`;
}
