import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor } from '../support/temporal';
import { call } from '../support/api-harness';

const run = promisify(execFile);

/** The canary as plaintext, hex, and in each base64 alignment. */
function needles(canary: string): string[] {
  const forms = [canary, Buffer.from(canary).toString('hex')];
  for (let shift = 0; shift < 3; shift++) forms.push(Buffer.from('x'.repeat(shift) + canary).toString('base64').slice(Math.ceil((shift * 4) / 3) + 1, -4));
  return forms;
}

function expectNoCanary(haystack: string, secrets: Record<string, string>, where: string): void {
  for (const [name, secret] of Object.entries(secrets)) {
    for (const needle of needles(secret)) expect(haystack.includes(needle), `${where} contains the ${name} (${needle})`).toBe(false);
  }
}

function onPath(binary: string): string | undefined {
  return (process.env.PATH ?? '').split(path.delimiter).filter((dir) => path.isAbsolute(dir)).map((dir) => path.join(dir, binary)).find((file) => existsSync(file));
}

/** A fresh database next to the test run's own, dropped afterwards. */
async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = inject('postgresUrl');
  const name = `switchyard_canary_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Captured log lines (pino JSON). */
function logCapture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

interface Secrets {
  credential: string;
  rotatedCredential: string;
  payload: string;
  apiToken: string;
}

/**
 * API token → connection with canary credentials → posted events with a payload canary: one run
 * succeeds; one meets a vendor error quoting the request (token and payload) back; one meets a
 * 401 that quotes the token, waits on the disconnected connection and completes after new credentials.
 */
async function canaryFlow(engine: TestEngine, intercom: IntercomFake, s: Secrets, suffix: string): Promise<string[]> {
  const { api, store } = engine;
  const connectionId = `intercom-canary-${suffix}`;
  const token = s.apiToken;
  intercom.tokens.add(s.credential);
  const created = await call(api.url, 'POST', '/api/v1/connections', {
    token,
    body: { id: connectionId, connector: 'intercom', name: 'Intercom', credentials: { accessToken: s.credential }, baseUrl: intercom.url },
  });
  expect(created.status).toBe(201);
  const recipe = {
    id: `canary-tag-${suffix}`,
    name: 'Tag from a posted event',
    trigger: { type: 'event', event: `canary.${suffix}` },
    steps: [{ id: 'tag', action: 'intercom.tag', connection: connectionId, input: { name: '{{ trigger.secret }}', contacts: ['c-1'] } }],
  };
  const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([[connectionId, 'intercom']]) });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  await store.recipes.apply(recipe, compiled.plan);
  api.plans.invalidate();

  const post = async () => {
    const posted = await call(api.url, 'POST', '/api/v1/events', { token, body: { topic: `canary.${suffix}`, id: randomUUID(), data: { secret: s.payload } } });
    expect(posted.status).toBe(202);
    return posted.body.runs[0].runId as string;
  };
  const runNow = async (runId: string) => (await call(api.url, 'GET', `/api/v1/runs/${encodeURIComponent(runId)}`, { token })).body;
  const settled = (runId: string, status: string) => waitFor(async () => ((await runNow(runId)).status === status ? runNow(runId) : undefined), `run ${runId} to be ${status}`);

  const ok = await post();
  const okRun = await settled(ok, 'succeeded');
  // Decoded for the API's reader: the output carries the payload canary back.
  expect(JSON.stringify(okRun.steps[0].output)).toContain(s.payload);
  const tagCalls = intercom.received('POST', '/tags');
  expect(tagCalls).toHaveLength(1);
  expect(tagCalls[0]!.headers.authorization).toBe(`Bearer ${s.credential}`);
  expect(tagCalls[0]!.rawBody).toContain(s.payload);

  intercom.failEchoing(400);
  const echoed = await post();
  const failed = await settled(echoed, 'failed');
  // The vendor's message, quoting token and payload, reached the engine's error path; the token the auth sent is scrubbed from it.
  expect(failed.steps[0].error).toMatchObject({ kind: 'InvalidInput' });
  expect(failed.steps[0].error.message).toContain(s.payload);
  expect(failed.steps[0].error.message).toContain('authorization: [redacted]');

  // A 401 that quotes the token it refused: the reason kept on the connection (and logged) names no token.
  intercom.failEchoing(401);
  const refused = await post();
  const disconnected = await waitFor(async () => {
    const c = (await call(api.url, 'GET', `/api/v1/connections/${connectionId}`, { token })).body;
    return c.status === 'disconnected' ? c : undefined;
  }, 'the connection to turn disconnected');
  expect(disconnected.statusReason).toContain('401');
  expect(disconnected.statusReason).toContain('Access Token Invalid (got [redacted])');
  await settled(refused, 'waiting');
  intercom.tokens.add(s.rotatedCredential);
  const patched = await call(api.url, 'PATCH', `/api/v1/connections/${connectionId}`, { token, body: { credentials: { accessToken: s.rotatedCredential } } });
  expect(patched.body.status).toBe('connected');
  await settled(refused, 'succeeded');
  return [ok, echoed, refused];
}

/** Raw history as `temporal workflow show --output json` prints it, without the codec. */
async function expectCleanHistories(runIds: string[], s: Secrets): Promise<void> {
  for (const runId of runIds) {
    const { stdout: history } = await run(inject('temporalCliPath'), ['workflow', 'show', '--workflow-id', runId, '--output', 'json', '--address', inject('temporalAddress')], { maxBuffer: 64 * 1024 * 1024 });
    // Vendor calls are in the history: activity tasks, or markers for local activities (their results ride in the marker).
    expect(history).toMatch(/EVENT_TYPE_(ACTIVITY_TASK_|MARKER_RECORDED)/);
    expectNoCanary(history, { ...s }, `history of ${runId}`);
  }
}

/** Logs are scanned at debug level, where the most is written: API, worker and the Temporal SDK's own lines. */
function expectCleanLogs(lines: string[], secrets: Record<string, string>): void {
  const logs = lines.join('');
  // The paths that could leak were taken: the SDK logged the failed activities, the resolver the disconnect.
  expect(lines.some((l) => JSON.parse(l).msg === 'Activity failed')).toBe(true);
  expect(lines.some((l) => JSON.parse(l).msg === 'connection disconnected: authentication lost')).toBe(true);
  expectNoCanary(logs, secrets, 'the logs');
}

describe('canary sweep through the whole engine', () => {
  const secrets = (): Secrets => ({
    credential: `CREDCANARY${randomBytes(16).toString('hex')}`,
    rotatedCredential: `CREDCANARY${randomBytes(16).toString('hex')}`,
    payload: `DATACANARY${randomBytes(16).toString('hex')}`,
    apiToken: `sy_admin_${randomBytes(24).toString('hex')}`,
  });

  describe('on SQLite', () => {
    const s = secrets();
    const logs = logCapture();
    let engine: TestEngine;
    let intercom: IntercomFake;

    beforeAll(async () => {
      intercom = await new IntercomFake().start();
      engine = await startTestEngine('canary', { SWITCHYARD_ADMIN_TOKEN: s.apiToken, LOG_LEVEL: 'debug' }, undefined, { logDestination: logs.destination });
    }, 120_000);
    afterAll(async () => {
      await engine?.stop();
      await intercom?.close();
    });

    it('finds no canary in raw history, the debug logs or the database file, while the vendor received them', async () => {
      const runIds = await canaryFlow(engine, intercom, s, 'sqlite');
      await expectCleanHistories(runIds, s);
      expectCleanLogs(logs.lines, { ...s });

      const dbFile = engine.config.databaseUrl.slice('sqlite:'.length);
      const dump = [dbFile, `${dbFile}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
      expect(dump).toContain('intercom-canary-sqlite');
      expectNoCanary(dump, { credential: s.credential, rotatedCredential: s.rotatedCredential, apiToken: s.apiToken }, 'the database file');
    }, 120_000);
  });

  const pgDump = onPath('pg_dump');
  describe.skipIf(!pgDump)(`on PostgreSQL${pgDump ? '' : ' (skipped: pg_dump is not on PATH)'}`, () => {
    const s = secrets();
    const logs = logCapture();
    let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
    let engine: TestEngine;
    let intercom: IntercomFake;

    beforeAll(async () => {
      intercom = await new IntercomFake().start();
      database = await freshPostgresDatabase();
      engine = await startTestEngine(
        'canary-pg',
        { SWITCHYARD_ADMIN_TOKEN: s.apiToken, LOG_LEVEL: 'debug', DATABASE_URL: database.url, SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64') },
        undefined,
        { logDestination: logs.destination },
      );
    }, 120_000);
    afterAll(async () => {
      await engine?.stop();
      await intercom?.close();
      await database?.drop();
    });

    it('finds no canary in raw history, the debug logs or a pg_dump of the database', async () => {
      await expectCleanHistories(await canaryFlow(engine, intercom, s, 'postgres'), s);
      expectCleanLogs(logs.lines, { ...s });
      const { stdout: dump } = await run(pgDump!, ['--dbname', database.url, '--no-owner'], { maxBuffer: 64 * 1024 * 1024 });
      expect(dump).toContain('intercom-canary-postgres');
      expect(dump).toMatch(/COPY public\.api_tokens/);
      expectNoCanary(dump, { credential: s.credential, rotatedCredential: s.rotatedCredential, apiToken: s.apiToken }, 'the pg_dump');
    }, 120_000);
  });
});
