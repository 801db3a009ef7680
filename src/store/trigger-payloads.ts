import { DEDUPE_RETENTION_MS, deliveryDigest } from './delivery-dedupe';
import { SealedRowStore } from './sealed-rows';

export interface TriggerPayloadTable {
  id: string;
  source: string;
  ciphertext: string;
  key_id: string;
  size_bytes: number;
  created_at: string;
}

/**
 * Inbound payloads too large for workflow history, sealed at rest (AES-256-GCM, the AAD binds
 * each to its id). The id is derived from the source and the event hash, so a redelivery stores
 * onto the same row; rows live as long as the delivery dedupe.
 */
export class TriggerPayloadStore extends SealedRowStore<{ trigger_payloads: TriggerPayloadTable }> {
  protected readonly rows = {
    table: 'trigger_payloads',
    ciphertext: 'ciphertext',
    keyId: 'key_id',
    aad: 'trigger-payload',
    retention: { column: 'created_at', ms: DEDUPE_RETENTION_MS },
  };

  static idFor(source: string, eventHash: string): string {
    return `tp_${deliveryDigest(source, eventHash).slice(0, 40)}`;
  }

  /** Stores the raw JSON text; returns the reference the workflow input carries. */
  async put(source: string, eventHash: string, json: string, now = new Date()): Promise<string> {
    const id = TriggerPayloadStore.idFor(source, eventHash);
    const sealed = this.seal(id, json);
    await this.db
      .insertInto('trigger_payloads')
      .values({ id, source, ciphertext: sealed.ciphertext, key_id: sealed.keyId, size_bytes: Buffer.byteLength(json), created_at: now.toISOString() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return id;
  }

  /** The stored JSON text, or undefined when pruned or never stored. */
  async get(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('trigger_payloads').select(['ciphertext', 'key_id']).where('id', '=', id).executeTakeFirst();
    return row ? this.open(id, { keyId: row.key_id, ciphertext: row.ciphertext }) : undefined;
  }
}
