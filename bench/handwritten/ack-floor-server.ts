import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import SQLite from 'better-sqlite3';
import { GroupCommit } from '../../src/store/group-commit';

/**
 * The ack path's floor on this machine (`npm run bench -- ingress-floor`), its own process like
 * `switchyard api`. FLOOR_MODE `bare`: reads the body and answers 202. `store`: as bare, plus the
 * X-Hub-Signature HMAC-SHA1 of the raw bytes checked in constant time and one insert per request,
 * group-committed, into a SQLite file with the engine store's pragmas (WAL; better-sqlite3's
 * synchronous NORMAL) or, with FLOOR_SYNC=full, an fsync per commit. Answers only once its commit is done.
 */
const mode = process.env.FLOOR_MODE ?? 'bare';
const secret = process.env.FLOOR_SECRET ?? '';

function commitsTo(file: string, sync: string): GroupCommit<Buffer, undefined> {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  if (sync === 'full') db.pragma('synchronous = FULL');
  db.exec('create table if not exists acks (id integer primary key, body blob not null)');
  const insert = db.prepare('insert into acks (body) values (?)');
  const insertAll = db.transaction((bodies: Buffer[]) => bodies.forEach((b) => insert.run(b)));
  return new GroupCommit(async (bodies: Buffer[]) => {
    insertAll(bodies);
    return bodies.map(() => undefined);
  });
}

const commits = mode === 'store' ? commitsTo(process.env.FLOOR_DB ?? ':memory:', process.env.FLOOR_SYNC ?? 'normal') : undefined;

function verified(body: Buffer, header: string | string[] | undefined): boolean {
  const given = Buffer.from(String(header ?? '').replace(/^sha1=/, ''), 'hex');
  const expected = createHmac('sha1', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const answer = (status: number) => res.writeHead(status, { 'content-type': 'application/json' }).end('{"runs":[]}');
    if (!commits || req.method !== 'POST') return answer(202);
    if (!verified(body, req.headers['x-hub-signature'])) return answer(401);
    commits.append(body).then(
      () => answer(202),
      () => answer(503),
    );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
