import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { openTestStore } from '../support/stores';

/** What SQLite reports for this connection: journal mode and `synchronous` (2 = FULL: the WAL is fsynced at every commit). */
async function durability(store: Store) {
  const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
  const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
  return { journal: journal.rows[0]?.journal_mode, synchronous: sync.rows[0]?.synchronous };
}

describe('the SQLite store fsyncs every commit', () => {
  // better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1: a connection that opens a file
  // already in WAL mode (every start after the first) would run synchronous NORMAL, whose commits a
  // power loss can take back — after the inbox acknowledged them.
  it('on the first open of a new file and on every later open of the same file', async () => {
    const url = `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-')), 'store.db')}`;
    const first = await openTestStore(url);
    try {
      expect(await durability(first)).toEqual({ journal: 'wal', synchronous: 2 });
    } finally {
      await first.close();
    }
    const again = await openTestStore(url);
    try {
      expect(await durability(again)).toEqual({ journal: 'wal', synchronous: 2 });
    } finally {
      await again.close();
    }
  });
});
