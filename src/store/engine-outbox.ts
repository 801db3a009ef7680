import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { TableStore } from './table-store';

interface EngineOutboxTable {
  id: string;
  topic: string;
  data_json: string;
  created_at: string;
}

interface EngineCursorTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface OutboxEvent {
  id: string;
  topic: string;
  data: unknown;
  createdAt: string;
}

/**
 * Queues an engine event on `db`, which is the transaction of the change it reports (so the event
 * exists exactly when the change does); the API process's event pump publishes it.
 */
export async function queueEngineEvent<DB>(db: Kysely<DB>, topic: string, data: unknown, now = new Date()): Promise<void> {
  await (db as unknown as Kysely<{ engine_outbox: EngineOutboxTable }>)
    .insertInto('engine_outbox')
    .values({ id: `evt_${randomUUID()}`, topic, data_json: JSON.stringify(data), created_at: now.toISOString() })
    .execute();
}

/**
 * Engine events raised where there is no publisher (worker processes), and the cursors of the
 * API-side pollers. An event is written in the same transaction as the change it reports, so it
 * is published at least once; its id is stable, so a re-publish maps onto the same message.
 */
export class EngineOutbox extends TableStore<{ engine_outbox: EngineOutboxTable; engine_cursors: EngineCursorTable }> {
  /**
   * Marks a connection disconnected and, only if it was not already, queues
   * `connection.disconnected` in the same transaction. Returns whether the status changed.
   */
  async disconnect(connectionId: string, reason: string, now = new Date()): Promise<boolean> {
    const at = now.toISOString();
    return this.db.transaction().execute(async (trx) => {
      // Conditional update: of concurrent workers seeing the same 401, exactly one queues the event.
      const changed = await trx
        .updateTable('connections')
        .set({ status: 'disconnected', status_reason: reason, status_changed_at: at, updated_at: at })
        .where('id', '=', connectionId)
        .where('status', '<>', 'disconnected')
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) {
        await trx.updateTable('connections').set({ status_reason: reason }).where('id', '=', connectionId).where('status', '=', 'disconnected').execute();
        return false;
      }
      const row = await trx.selectFrom('connections').select(['connector']).where('id', '=', connectionId).executeTakeFirstOrThrow();
      await queueEngineEvent<Database & { engine_outbox: EngineOutboxTable; engine_cursors: EngineCursorTable }>(trx, 'connection.disconnected', { connectionId, connector: row.connector, reason }, now);
      return true;
    });
  }

  /** Oldest first. */
  async pending(limit = 100): Promise<OutboxEvent[]> {
    const rows = await this.db.selectFrom('engine_outbox').selectAll().orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, topic: r.topic, data: JSON.parse(r.data_json) as unknown, createdAt: r.created_at }));
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('engine_outbox').where('id', '=', id).execute();
  }

  async cursor(name: string): Promise<string | undefined> {
    return (await this.db.selectFrom('engine_cursors').select('value').where('name', '=', name).executeTakeFirst())?.value;
  }

  async setCursor(name: string, value: string, now = new Date()): Promise<void> {
    await this.db
      .insertInto('engine_cursors')
      .values({ name, value, updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now.toISOString() }))
      .execute();
  }
}
