import type { Kysely } from 'kysely';

/**
 * Drops the inbox's index by event hash (014). Every accepted event wrote a page of it at a random
 * place, as many pages per group commit as events, and the dispatcher's delete wrote them again;
 * the one reader, GET /api/v1/runs/:id for a run still queued, is rare and reads a table that holds
 * only the events Temporal does not have yet (issue #13).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('event_inbox_by_hash').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('event_inbox_by_hash').on('event_inbox').column('event_hash').execute();
}
