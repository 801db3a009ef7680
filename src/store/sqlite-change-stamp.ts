import type SQLite from 'better-sqlite3';

/**
 * A number that moves whenever a row of `table` in this SQLite file may have changed: a write to
 * the table through this connection (TEMP triggers count them, whoever the writer: a store class,
 * the engine outbox, a reseal) or a commit by any other connection or process (`PRAGMA
 * data_version` moves at every commit of another connection, whatever table it wrote). While it
 * stands still, what was read from the table is what the table holds. Call after the migrations:
 * the triggers name the table.
 */
export function tableChangeStamp(database: SQLite.Database, table: string): () => number {
  let stamp = 0;
  const counter = `switchyard_${table}_changed`;
  database.function(counter, { deterministic: false }, () => {
    stamp++;
    return null;
  });
  for (const event of ['insert', 'update', 'delete']) {
    database.exec(`create temp trigger if not exists "${table}_changed_on_${event}" after ${event} on main."${table}" begin select ${counter}(); end`);
  }
  const dataVersion = database.prepare('pragma data_version').pluck();
  let seen: unknown;
  return () => {
    const version: unknown = dataVersion.get();
    if (version !== seen) {
      seen = version;
      stamp++;
    }
    return stamp;
  };
}
