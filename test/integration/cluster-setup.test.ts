import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { migrationProvider } from '../../src/store/migrations';
import type { Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { call } from '../support/api-harness';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { waitFor } from '../support/temporal';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * The README's "Running against a real Temporal cluster" steps, on a bare Temporal dev server (no
 * search attributes: a fresh cluster) and an empty PostgreSQL database: every wrong step is one
 * clear line, `switchyard setup` fixes the namespace, then a webhook runs to completion.
 */
const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'switchyard');
const admin = `adm_${randomBytes(24).toString('hex')}`;
const clientSecret = 'intercom-client-secret';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function switchyard(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('from a bare Temporal namespace and an empty PostgreSQL to a completed run', () => {
  let server: DevServer;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  const buildId = 'release-2026.11';
  let completedRunId = '';
  let resolveApiUrl: (url: string) => void = () => undefined;
  const runningApiUrl = new Promise<string>((resolve) => (resolveApiUrl = resolve));

  beforeAll(async () => {
    // A second dev server from the same resolved CLI, without the engine's search attributes.
    server = await startDevServer({ cliPath: inject('temporalCliPath'), port: await freePort(), searchAttributes: false });
    database = await freshPostgresDatabase('switchyard_setup');
    env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: `setup-${randomUUID()}`,
      DATABASE_URL: database.url,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_ADMIN_TOKEN: admin,
      SWITCHYARD_ENGINE_EVENTS_POLL: '1s',
      LOG_LEVEL: 'info',
    };
  }, 120_000);

  afterAll(async () => {
    const exits = children.filter((c) => c.exitCode === null).map((c) => new Promise((resolve) => c.once('exit', resolve)));
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(exits);
    await server?.stop();
    await database?.drop();
  }, 60_000);

  it('refuses to start on an empty store, naming `switchyard migrate`; migrate applies the schema', async () => {
    const worker = await switchyard(['worker'], env);
    expect(worker.code).not.toBe(0);
    expect(lines(worker.stderr)).toEqual(['switchyard: the store has no schema yet — run `switchyard migrate` (or `switchyard setup`) once, then start the processes']);

    const migrate = await switchyard(['migrate'], env);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('store (PostgreSQL): applied 001-initial');
  }, 180_000);

  it('refuses to start on a namespace without the search attributes, in one line naming them and the fix', async () => {
    const api = await switchyard(['api'], { ...env, PORT: '0' });
    expect(api.code).not.toBe(0);
    const [line, ...rest] = lines(api.stderr);
    expect(rest).toEqual([]);
    expect(line).toMatch(/^switchyard: Temporal namespace default lacks the search attributes RecipeId \(Keyword\), RecipeVersion \(Keyword\), TriggerEvent \(Keyword\), ConnectionIds \(KeywordList\), RunStatus \(Keyword\): run `switchyard setup`/);
  }, 180_000);

  describe('an API told to wait (SWITCHYARD_NAMESPACE_CHECK=wait)', () => {
    let api: ApiHandle;
    let store: Store;
    let close: () => Promise<void>;

    beforeAll(async () => {
      const config = parseConfig({ ...env, PORT: '0', SWITCHYARD_NAMESPACE_CHECK: 'wait', LOG_LEVEL: 'silent' });
      store = await openConfiguredStore(config, 'verify');
      const client = await connectClient(temporalTarget(config));
      api = await startApi({ config, logger: createLogger('silent'), store, client });
      close = async () => {
        await api.close();
        await client.connection.close();
        await store.close();
      };
    }, 60_000);

    afterAll(async () => close?.());

    it('is not ready, and says why', async () => {
      const ready = await call(api.url, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.namespace).toEqual({ ready: false, error: expect.stringMatching(/namespace default lacks the search attributes RecipeId .*switchyard setup/) });
    });

    it('answers run-time requests with a 503 naming the missing search attribute, not temporal_unavailable or 500', async () => {
      const connection = await call(api.url, 'PUT', '/api/v1/connections/intercom-main', { token: admin, body: { connector: 'intercom', name: 'Intercom', credentials: { clientSecret } } });
      expect(connection.status).toBe(201);
      const recipe = {
        id: 'conversation-cooldown',
        name: 'New conversation, then a short pause',
        trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' },
        steps: [{ id: 'pause', delay: '1s' }],
      };
      const put = await call(api.url, 'PUT', `/api/v1/recipes/${recipe.id}`, { token: admin, body: recipe });
      expect(put.status, JSON.stringify(put.body)).toBe(201);

      const hook = await postIntercomWebhook(api.url, 'intercom-main', intercomNotification('conversation.user.created', { id: 'c-refused' }), clientSecret);
      const body = (await hook.json()) as { error: { code: string; message: string } };
      expect(hook.status).toBe(503);
      expect(body.error.code).toBe('temporal_misconfigured');
      expect(body.error.message).toMatch(/lacks the search attributes? (RecipeId|RecipeVersion|TriggerEvent|ConnectionIds|RunStatus) .*switchyard setup/);

      const runs = await call(api.url, 'GET', `/api/v1/runs?recipe=${recipe.id}`, { token: admin });
      expect(runs.status).toBe(503);
      expect(runs.body.error.code).toBe('temporal_misconfigured');
      expect(runs.body.error.message).toMatch(/search attribute RecipeId.*switchyard setup/);
    }, 60_000);

    it('`switchyard setup` creates the search attributes, is safe to repeat, and the waiting API becomes ready', async () => {
      const setup = await switchyard(['setup'], env);
      expect(setup.code, setup.stderr).toBe(0);
      const latest = Object.keys(await migrationProvider.getMigrations()).sort().at(-1);
      expect(lines(setup.stdout)).toEqual([
        'temporal: created the search attributes RecipeId, RecipeVersion, TriggerEvent, ConnectionIds, RunStatus in namespace default',
        `store (PostgreSQL): schema up to date (${latest})`,
      ]);
      const again = await switchyard(['setup'], env);
      expect(again.code).toBe(0);
      expect(lines(again.stdout)[0]).toBe('temporal: namespace default has every search attribute the engine writes (RecipeId, RecipeVersion, TriggerEvent, ConnectionIds, RunStatus)');

      await waitFor(async () => (await call(api.url, 'GET', '/readyz')).body.checks.namespace.ready === true, 'the namespace check to pass', 30_000);
    }, 240_000);
  });

  it('then `switchyard worker` and `switchyard api` take a signed webhook to a completed run', async () => {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    resolveApiUrl(apiUrl);
    for (const command of ['worker', 'api']) {
      const child = spawn(process.execPath, [bin, command], { cwd: root, env: { ...process.env, ...env, PORT: String(port), SWITCHYARD_BUILD_ID: buildId }, stdio: 'ignore' });
      children.push(child);
    }
    await waitFor(async () => (await call(apiUrl, 'GET', '/readyz')).status === 200, 'api and worker ready', 120_000);

    const hook = await postIntercomWebhook(apiUrl, 'intercom-main', intercomNotification('conversation.user.created', { id: 'c-1' }), clientSecret);
    const accepted = (await hook.json()) as { runs: { runId: string }[] };
    expect(hook.status).toBe(202);
    const runId = accepted.runs[0]!.runId;
    completedRunId = runId;
    const run = await waitFor(
      async () => {
        const answer = await call(apiUrl, 'GET', `/api/v1/runs/${encodeURIComponent(runId)}`, { token: admin });
        return answer.body.status === 'succeeded' ? answer.body : undefined;
      },
      'the run to succeed',
      60_000,
    );
    expect(run.steps[0]).toMatchObject({ id: 'pause', status: 'succeeded' });
  }, 240_000);

  it('lists what a worker build still has in flight (`switchyard runs --open --build <id>`)', async () => {
    const apiUrl = await runningApiUrl;
    const approval = {
      id: 'conversation-approval',
      name: 'New conversation waits for an approval',
      trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.replied' },
      steps: [{ id: 'approval', waitFor: { approval: { timeout: '24h' } } }],
    };
    expect((await call(apiUrl, 'PUT', `/api/v1/recipes/${approval.id}`, { token: admin, body: approval })).status).toBe(201);
    const hook = await postIntercomWebhook(apiUrl, 'intercom-main', intercomNotification('conversation.user.replied', { id: 'c-2' }), clientSecret);
    const waiting = ((await hook.json()) as { runs: { runId: string }[] }).runs[0]!.runId;

    const listed = (query: string) => async () => ((await call(apiUrl, 'GET', `/api/v1/runs?${query}`, { token: admin })).body.runs as { runId: string }[]).map((r) => r.runId);
    await waitFor(async () => (await listed(`open=true&build=${buildId}`)()).includes(waiting), 'the waiting run listed under its build', 30_000);
    expect(await listed(`open=true&build=${buildId}`)()).toEqual([waiting]);
    expect(await listed(`build=${buildId}`)()).toContain(completedRunId);
    expect(await listed('open=true&build=release-2026.10')()).toEqual([]);

    const cli = await switchyard(['runs', '--open', '--build', buildId, '--url', apiUrl, '--token', admin, '--json'], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toEqual([waiting]);
  }, 120_000);
});
