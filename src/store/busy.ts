/**
 * SQLite's "database is locked": another writer held the lock past `busy_timeout`. Nothing is
 * wrong with the request; it may succeed once the lock is released (better-sqlite3 puts the
 * extended result code, e.g. SQLITE_BUSY_SNAPSHOT, in `code`).
 */
export function isStoreBusy(err: unknown): boolean {
  const code = err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}
