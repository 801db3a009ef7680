/**
 * `<prefix><12 hex digits of the time in ms><rest>`: ids that sort by when they were made. A row
 * keyed by one lands at the right edge of its primary-key index, so a commit of many rows touches
 * a few index pages; a random key puts every row on its own page, and the commit writes each of
 * those pages whole into the WAL (an inbox commit of 50 events wrote 260–820 KB, more as the backlog grew; issue #13).
 */
export function timeOrderedId(prefix: string, atMs: number, rest: string): string {
  const ms = Number.isFinite(atMs) ? Math.max(0, Math.trunc(atMs)) : 0;
  return `${prefix}${ms.toString(16).padStart(12, '0')}${rest}`;
}
