import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import SQLite from 'better-sqlite3';
import { GroupCommit } from '../../src/store/group-commit';

/**
 * The ack path's floor on this machine (`npm run bench -- ingress-floor`), its own process like
 * `switchyard api`. FLOOR_MODE `bare`: reads the body and answers 202. `store`: as bare, plus the
 * X-Hub-Signature HMAC-SHA1 of the raw bytes checked in constant time and one insert per request
 * (keyed by the notification id, a duplicate ignored), group-committed, into a SQLite file in WAL
 * mode, with FLOOR_SYNC=full an fsync per commit (the engine store's pragmas), else synchronous
 * NORMAL. Answers only once its commit is done. `dispatch`: as store, plus a dispatcher
 * that starts one workflow per row on Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TASK_QUEUE, FLOOR_WORKFLOW_TYPE) and deletes the row once Temporal has the run.
 * GET /backlog answers the rows not dispatched yet.
 */
const mode = process.env.FLOOR_MODE ?? 'bare';
const secret = process.env.FLOOR_SECRET ?? '';

type Ack = { key: string; body: Buffer };
type Row = { id: number; key: string; body: Buffer };

function open(file: string, sync: string): SQLite.Database {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma(sync === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  db.exec('create table if not exists acks (id integer primary key, key text not null unique, body blob not null)');
  return db;
}

function commitsTo(db: SQLite.Database, committed: () => void): GroupCommit<Ack, undefined> {
  const insert = db.prepare('insert or ignore into acks (key, body) values (?, ?)');
  const insertAll = db.transaction((acks: Ack[]) => acks.forEach((a) => insert.run(a.key, a.body)));
  return new GroupCommit(async (acks: Ack[]) => {
    insertAll(acks);
    committed();
    return acks.map(() => undefined);
  });
}

/**
 * A dispatcher written like the Temporal samples: the oldest rows, one workflow per row (workflow id =
 * the row's dedupe key, so a repeated start is a duplicate, never a second run), at most 8 starts in
 * flight, each row deleted once Temporal has its run. Returns the kick: after each group commit and
 * every second (a failed start leaves its row for the next pass).
 */
function dispatcher(db: SQLite.Database, client: Client, taskQueue: string, workflowType: string): () => void {
  const oldest = db.prepare<[], Row>('select id, key, body from acks order by id limit 200');
  const remove = db.prepare('delete from acks where id = ?');
  const removeAll = db.transaction((ids: number[]) => ids.forEach((id) => remove.run(id)));
  const start = async (row: Row) => {
    try {
      await client.workflow.start(workflowType, { taskQueue, workflowId: row.key, args: [JSON.parse(row.body.toString())] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
  const pass = async () => {
    for (let rows = oldest.all(); rows.length > 0; rows = oldest.all()) {
      const started: number[] = [];
      let next = 0;
      let failed = false;
      const lane = async () => {
        while (!failed && next < rows.length) {
          const row = rows[next++]!;
          await start(row).then(() => started.push(row.id), () => (failed = true));
        }
      };
      await Promise.all(Array.from({ length: 8 }, lane));
      removeAll(started);
      if (failed) return;
    }
  };
  let running = false;
  let again = false;
  return function kick() {
    if (running) return void (again = true);
    running = true;
    void (async () => {
      do {
        again = false;
        await pass();
      } while (again);
    })().finally(() => (running = false));
  };
}

async function main(): Promise<void> {
  const db = mode === 'bare' ? undefined : open(process.env.FLOOR_DB ?? ':memory:', process.env.FLOOR_SYNC ?? 'normal');
  let kick = () => {};
  if (db && mode === 'dispatch') {
    const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS }), namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
    kick = dispatcher(db, client, process.env.TEMPORAL_TASK_QUEUE ?? 'switchyard', process.env.FLOOR_WORKFLOW_TYPE ?? 'ackFloorRun');
    setInterval(kick, 1_000);
  }
  const commits = db && commitsTo(db, () => kick());
  const backlog = db?.prepare<[], { n: number }>('select count(*) as n from acks');

  const verified = (body: Buffer, header: string | string[] | undefined): boolean => {
    const given = Buffer.from(String(header ?? '').replace(/^sha1=/, ''), 'hex');
    const expected = createHmac('sha1', secret).update(body).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const answer = (status: number, text = '{"runs":[]}') => res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      if (req.url === '/backlog') return answer(200, JSON.stringify({ rows: backlog?.get()?.n ?? 0 }));
      if (!commits || req.method !== 'POST') return answer(202);
      if (!verified(body, req.headers['x-hub-signature'])) return answer(401);
      const key = (JSON.parse(body.toString()) as { id: string }).id;
      commits.append({ key, body }).then(
        () => answer(202, JSON.stringify({ runs: [{ runId: key, duplicate: false }] })),
        () => answer(503),
      );
    });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
