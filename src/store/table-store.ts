import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** A store module over its own tables: the one shared database handle, typed with them. */
export abstract class TableStore<Tables extends Record<string, object>> {
  protected readonly db: Kysely<Database & Tables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<Tables>();
  }
}
