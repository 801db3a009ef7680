import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import type { BenchOptions } from '../lib/options';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';
import { round } from '../lib/stats';

/** Events per group commit: what the ingress commits together at 50 senders. */
const BATCH = 50;
/** Commits measured per depth. */
const COMMITS = 40;
/** Rows waiting in the inbox before each measurement: drained, a backlog, the backlog of a 20 s ack phase. */
const DEPTHS = [0, 5_000, 30_000];

/**
 * What one group commit of the durable inbox writes on the engine's SQLite store, in the harness
 * process: 40 commits of 50 events (each a dedupe row and a sealed inbox row), at three inbox
 * depths. Checkpoints are held off while measuring, so the WAL's growth is what the commits wrote;
 * the checkpoint that copies those pages into the database runs on the event loop of whoever
 * commits. Every appended event must be claimable afterwards.
 */
export async function inboxWal(stack: Stack, _o: BenchOptions): Promise<ScenarioResult> {
  const url = stack.config.databaseUrl;
  if (!url.startsWith('sqlite:')) throw new Error('inbox-wal measures the SQLite WAL: run it without DATABASE_URL');
  const wal = `${url.slice('sqlite:'.length)}-wal`;
  const store = await stack.openStore();
  const body = JSON.stringify({ event: { id: 'notif', topic: 'conversation.user.created', source: 'intercom-bench', receivedAt: new Date().toISOString(), payload: { item: 'x'.repeat(300) } }, recipes: ['bench'] });
  let appended = 0;
  const commit = async () => {
    const at = Date.now();
    const entries = Array.from({ length: BATCH }, (_, n) => ({ source: 'intercom-bench', eventHash: randomBytes(16).toString('hex'), receivedAt: new Date(at + n).toISOString(), body }));
    appended += (await store.inbox.append(entries)).filter((id) => id !== undefined).length;
  };
  const measured: Record<string, { walKbPerCommit: number; msPerCommit: number }> = {};
  let claimed = 0;
  try {
    await sql.raw('pragma wal_autocheckpoint = 0').execute(store.db);
    for (const depth of DEPTHS) {
      while (appended < depth) await commit();
      await sql.raw('pragma wal_checkpoint(truncate)').execute(store.db);
      const t0 = performance.now();
      for (let n = 0; n < COMMITS; n++) await commit();
      measured[`depth${depth}`] = { walKbPerCommit: round(statSync(wal).size / 1024 / COMMITS), msPerCommit: round((performance.now() - t0) / COMMITS, 2) };
    }
    const end = new Date(Date.now() + 60_000).toISOString();
    for (;;) {
      const n = await store.inbox.claimOldest(1_000, end, async (rows) => rows.map((r) => r.id));
      if (n === 0) break;
      claimed += n;
    }
  } finally {
    // The pragma is the connection's: it ends with it.
    await store.close();
  }
  const rows: Row[] = DEPTHS.map((depth) => {
    const m = measured[`depth${depth}`]!;
    return { metric: `inbox of ${depth} rows: WAL KB per ${BATCH}-event commit; ms per commit`, value: `${m.walKbPerCommit}; ${m.msPerCommit}` };
  });
  rows.push({ metric: 'appended events the dispatcher could not claim', value: appended - claimed, target: '0', met: appended === claimed });
  return {
    scenario: 'inbox-wal',
    correct: appended === claimed,
    parameters: { eventsPerCommit: BATCH, commits: COMMITS, depths: DEPTHS },
    figures: measured,
    rows,
    notes: ['the durable inbox on the engine\'s SQLite store, in the harness process, checkpoints held off while measuring: the WAL\'s growth is what the commits wrote (whole pages, an index page for each row that lands at a random place)'],
  };
}
