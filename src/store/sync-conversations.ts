import { TableStore } from './table-store';

interface SyncConversationTable {
  sync_id: string;
  conversation_id: string;
  last_part_id: string;
  state: string;
  contact_id: string | null;
  target_id: string | null;
  record_id: string | null;
  parts: number;
  detail_json: string;
  created_at: string;
  updated_at: string;
}

/** The ledger's table, for the sync store's removal of everything a sync kept. */
export type SyncConversationTables = { sync_conversations: SyncConversationTable };
type Tables = SyncConversationTables;

/** `unmatched`: no counterpart yet (reported, tried again); `begun`: the write is under way; `written`: done. */
export type TranscriptState = 'unmatched' | 'begun' | 'written';

/** One transcript of a conversation, up to its last part, and what became of it. */
export interface TranscriptEntry {
  conversationId: string;
  lastPartId: string;
  state: TranscriptState;
  /** The Intercom contact the conversation is with. */
  contactId: string | null;
  /** The CRM record it is (to be) attached to, and the Task, Case or note written. */
  targetId: string | null;
  recordId: string | null;
  /** Parts the transcript holds. */
  parts: number;
  detail: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/**
 * The ledger of conversation transcripts a sync wrote to the CRM, keyed by sync id + conversation
 * id + the conversation's last part written: a redelivered webhook or a second poll finds its row
 * and writes nothing; a conversation reopened and closed again has new parts, so a new row for them.
 */
export class SyncConversationLedger extends TableStore<Tables> {
  /** Every transcript of a conversation, oldest first. */
  async entries(syncId: string, conversationId: string): Promise<TranscriptEntry[]> {
    const rows = await this.db.selectFrom('sync_conversations').selectAll().where('sync_id', '=', syncId).where('conversation_id', '=', conversationId).orderBy('created_at').orderBy('last_part_id').execute();
    return rows.map(toEntry);
  }

  /**
   * Records the transcript up to `lastPartId` in `state` (replacing that row). An `unmatched` or
   * `begun` row of the same conversation for other parts is dropped: the newest transcript replaces it.
   */
  async record(syncId: string, e: Pick<TranscriptEntry, 'conversationId' | 'lastPartId' | 'state' | 'contactId' | 'targetId' | 'recordId' | 'parts' | 'detail'>, now = new Date()): Promise<void> {
    const at = now.toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .deleteFrom('sync_conversations')
        .where('sync_id', '=', syncId)
        .where('conversation_id', '=', e.conversationId)
        .where('last_part_id', '!=', e.lastPartId)
        .where('state', 'in', ['unmatched', 'begun'])
        .execute();
      const values = { state: e.state, contact_id: e.contactId, target_id: e.targetId, record_id: e.recordId, parts: e.parts, detail_json: JSON.stringify(e.detail), updated_at: at };
      const updated = await tx.updateTable('sync_conversations').set(values).where('sync_id', '=', syncId).where('conversation_id', '=', e.conversationId).where('last_part_id', '=', e.lastPartId).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) await tx.insertInto('sync_conversations').values({ sync_id: syncId, conversation_id: e.conversationId, last_part_id: e.lastPartId, ...values, created_at: at }).execute();
    });
  }

  /** Transcripts in one state, oldest change first (`unmatched`: the conversations waiting for a counterpart). */
  async list(syncId: string, state: TranscriptState, limit = 100): Promise<TranscriptEntry[]> {
    const rows = await this.db.selectFrom('sync_conversations').selectAll().where('sync_id', '=', syncId).where('state', '=', state).orderBy('updated_at').orderBy('conversation_id').limit(limit).execute();
    return rows.map(toEntry);
  }
}

function toEntry(r: SyncConversationTable): TranscriptEntry {
  return {
    conversationId: r.conversation_id,
    lastPartId: r.last_part_id,
    state: r.state as TranscriptState,
    contactId: r.contact_id,
    targetId: r.target_id,
    recordId: r.record_id,
    parts: Number(r.parts),
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
