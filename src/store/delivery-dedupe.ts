import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** Seven days: longer than Intercom's, GitHub's, Stripe's or Svix's retry horizon. */
export const DEDUPE_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** A delivery's identity (its source and event hash) as a SHA-256 hex digest: the stable part of the row ids that derive from it. */
export function deliveryDigest(source: string, eventHash: string): string {
  return createHash('sha256').update(`${source}\n${eventHash}`).digest('hex');
}

/**
 * Remembers inbound deliveries that were durably accepted, so a sender's retry after
 * Temporal's own retention has passed still starts nothing.
 */
export class DeliveryDedupe {
  constructor(private readonly db: Kysely<Database>) {}

  async seen(connectionId: string, eventHash: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('inbound_deliveries')
      .select('event_hash')
      .where('connection_id', '=', connectionId)
      .where('event_hash', '=', eventHash)
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Call only after every run start for the delivery was accepted by Temporal. */
  async remember(connectionId: string, eventHash: string, now = new Date()): Promise<void> {
    await this.db
      .insertInto('inbound_deliveries')
      .values({ connection_id: connectionId, event_hash: eventHash, received_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['connection_id', 'event_hash']).doNothing())
      .execute();
  }

  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - DEDUPE_RETENTION_MS).toISOString();
    const result = await this.db.deleteFrom('inbound_deliveries').where('received_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
