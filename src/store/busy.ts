/**
 * PostgreSQL SQLSTATEs that say "not now" rather than "never": a lock not granted within
 * `lock_timeout` (55P03), a deadlock or serialization victim (40P01, 40001), the server shutting
 * down, restarting or refusing connections (57P01, 57P02, 57P03, 53300), and every connection
 * exception (class 08).
 */
const pgTransient = new Set(['55P03', '40P01', '40001', '57P01', '57P02', '57P03', '53300']);

/** Socket-level failures reaching the database (node's error codes). */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * node-postgres's own errors have no code: the socket closed under a query or a pool could not
 * connect in time; and a database closed to connections (`ALLOW_CONNECTIONS false`) answers 55000,
 * a code too broad to take whole.
 */
const pgMessages = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)|is not currently accepting connections/;

/**
 * The store could not answer now, and the same request may succeed once it can: SQLite's "database
 * is locked" (another writer held the lock past `busy_timeout`; better-sqlite3 puts the extended
 * result code, e.g. SQLITE_BUSY_SNAPSHOT, in `code`), or PostgreSQL's lock, serialization and
 * connection failures. Nothing is wrong with the request itself.
 */
export function isStoreBusy(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
    if (pgTransient.has(code) || /^08[0-9A-Z]{3}$/.test(code) || socketCodes.has(code)) return true;
  }
  return typeof message === 'string' && pgMessages.test(message);
}
