import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvLine } from '../../src/http/api/csv';
import type { RunSummary } from '../../workflows/plan';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor, runResult } from '../support/temporal';
import { call } from '../support/api-harness';

/** RFC 4180 reader for the export: quoted fields, doubled quotes, commas and line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The runs API over real runs on the dev server: approval and signal waits need no vendor. */
describe('runs API', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const suffix = randomBytes(3).toString('hex');
  const gate = `gate-${suffix}`;
  const hold = `hold-${suffix}`;
  let engine: TestEngine;
  let url: string;
  const api = (method: string, path: string, body?: unknown) => call(url, method, path, { token: admin, body });
  const runPath = (runId: string, rest = '') => `/api/v1/runs/${encodeURIComponent(runId)}${rest}`;
  const listed = async (query: string) => (await api('GET', `/api/v1/runs?${query}`)).body.runs as { runId: string; status: string }[];
  const ids = (runs: { runId: string }[]) => runs.map((r) => r.runId).sort();
  const runs: Record<string, string> = {};

  beforeAll(async () => {
    engine = await startTestEngine('runs', { SWITCHYARD_ADMIN_TOKEN: admin });
    url = engine.api.url;
    const put = async (id: string, recipe: unknown) => expect((await api('PUT', `/api/v1/recipes/${id}`, recipe)).status).toBe(201);
    await put(gate, { name: 'Gate', trigger: { type: 'event', event: `gate.${suffix}` }, steps: [{ id: 'approval', waitFor: { approval: { timeout: '1h' } } }] });
    await put(hold, { name: 'Hold', trigger: { type: 'event', event: `hold.${suffix}` }, steps: [{ id: 'hold', waitFor: { signal: 'go', timeout: '1h' } }] });
    for (const [name, topic] of [['approved', 'gate'], ['rejected', 'gate'], ['cancelled', 'gate'], ['signalled', 'hold'], ['waiting', 'hold']] as const) {
      const posted = await api('POST', '/api/v1/events', { topic: `${topic}.${suffix}`, id: name, data: { name } });
      expect(posted.status).toBe(202);
      runs[name] = posted.body.runs[0].runId;
    }
    await waitFor(async () => (await listed(`status=waiting&event=gate.${suffix}`)).length === 3 && (await listed(`status=waiting&recipe=${hold}`)).length === 2, 'five waiting runs in visibility');
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('shows a waiting run’s steps, then approves, rejects, signals and cancels', async () => {
    const waiting = await api('GET', runPath(runs.approved!));
    expect(waiting).toMatchObject({ status: 200, body: { runId: runs.approved, recipeId: gate, event: `gate.${suffix}`, status: 'waiting', executionStatus: 'RUNNING', closedAt: null } });
    expect(waiting.body.steps).toEqual([expect.objectContaining({ id: 'approval', status: 'waiting' })]);

    expect(await api('POST', runPath(runs.approved!, '/approve'), { approved: true, by: 'ops-lead', comment: 'fine' })).toMatchObject({ status: 202, body: { accepted: true } });
    expect(await api('POST', runPath(runs.rejected!, '/approve'), { approved: false })).toMatchObject({ status: 202 });
    expect(await api('POST', runPath(runs.signalled!, '/signal'), { signal: 'go', payload: { ticket: 'SUP-1' } })).toMatchObject({ status: 202 });
    expect(await api('POST', runPath(runs.cancelled!, '/cancel'))).toMatchObject({ status: 202 });

    const handle = (name: string) => engine.client.workflow.getHandle(runs[name]!);
    expect(((await handle('approved').result()) as RunSummary).status).toBe('succeeded');
    expect(((await handle('signalled').result()) as RunSummary).status).toBe('succeeded');
    await expect(handle('rejected').result()).rejects.toThrow();
    await expect(handle('cancelled').result()).rejects.toThrow();

    const approved = (await api('GET', runPath(runs.approved!))).body;
    expect(approved).toMatchObject({ status: 'succeeded', executionStatus: 'COMPLETED' });
    expect(approved.durationMs).toBeGreaterThanOrEqual(0);
    expect(approved.steps[0]).toMatchObject({ id: 'approval', status: 'succeeded', output: { approved: true, by: 'bootstrap admin (tok_bootstrap)', comment: 'on behalf of ops-lead: fine' } });

    const rejected = (await api('GET', runPath(runs.rejected!))).body;
    expect(rejected).toMatchObject({ status: 'failed', error: { stepId: 'approval', kind: 'Rejected', hint: expect.any(String) } });
    expect(rejected.steps[0]).toMatchObject({ status: 'failed', error: { kind: 'Rejected', message: expect.stringContaining('approval rejected'), hint: 'an approver rejected the step' } });
    expect(rejected.steps[0].error.message).toBe('approval rejected by bootstrap admin (tok_bootstrap)');

    expect((await api('GET', runPath(runs.signalled!))).body.steps[0]).toMatchObject({ status: 'succeeded', output: { ticket: 'SUP-1' } });
    const cancelled = (await api('GET', runPath(runs.cancelled!))).body;
    expect(cancelled).toMatchObject({ status: 'cancelled', executionStatus: 'CANCELLED' });
    expect(cancelled.steps).not.toBeNull();
  });

  it('answers 409 for a closed run, 404 for an unknown one, and 400/422 naming bad input', async () => {
    await runResult(engine.client, runs.approved!);
    for (const [path, body] of [
      ['/approve', { approved: true }],
      ['/signal', { signal: 'go' }],
      ['/cancel', undefined],
    ] as const) {
      const answer = await api('POST', runPath(runs.approved!, path), body);
      expect(answer).toMatchObject({ status: 409, body: { error: { code: 'run_not_running', details: { status: 'completed' } } } });
    }
    const missing = `run/${gate}/does-not-exist`;
    expect(await api('GET', runPath(missing))).toMatchObject({ status: 404, body: { error: { code: 'unknown_run', details: { runId: missing } } } });
    expect((await api('POST', runPath(missing, '/cancel'))).status).toBe(404);
    expect((await api('POST', runPath(missing, '/approve'), { approved: 'yes' })).body.error.details.issues[0].path).toBe('body.approved');

    const badStatus = await api('GET', '/api/v1/runs?status=done');
    expect(badStatus).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', message: expect.stringMatching(/^query\.status: expected one of running, waiting, succeeded, failed, cancelled/) } } });
    expect((await api('GET', '/api/v1/runs?since=yesterday')).body.error.message).toMatch(/^query\.since: expected an ISO 8601 time/);
    expect((await api('GET', '/api/v1/runs?limit=0')).body.error.message).toMatch(/^query\.limit: /);
    expect(await api('GET', '/api/v1/runs?recipeId=x')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^query\.recipeId: unknown query parameter/) } } });
    expect(await api('GET', '/api/v1/runs?cursor=bm90LWEtdG9rZW4')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^query\.cursor: /) } } });
    expect((await api('GET', '/api/v1/runs/export?format=xml')).body.error.message).toBe('query.format: expected ndjson or csv');
    // A repeated parameter is the same 400, not a 422 from the framework.
    const repeated = await api('GET', '/api/v1/runs?status=failed&status=succeeded');
    expect(repeated).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', message: 'query.status: given 2 times; expected one value', details: { issues: [{ path: 'query.status', parameter: 'status' }] } } } });
    expect(await api('GET', '/api/v1/runs/export?format=csv&format=ndjson')).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', message: 'query.format: given 2 times; expected one value' } } });
  });

  it('filters by recipe, status, event and since, and pages with a cursor', async () => {
    await waitFor(async () => (await listed(`recipe=${gate}&status=succeeded`)).length === 1 && (await listed(`recipe=${gate}&status=cancelled`)).length === 1 && (await listed(`recipe=${gate}&status=failed`)).length === 1, 'closed runs in visibility');
    expect(ids(await listed(`recipe=${gate}&status=succeeded`))).toEqual([runs.approved]);
    expect(ids(await listed(`recipe=${gate}&status=failed`))).toEqual([runs.rejected]);
    expect(ids(await listed(`recipe=${gate}&status=cancelled`))).toEqual([runs.cancelled]);
    await waitFor(async () => (await listed(`recipe=${hold}&status=succeeded`)).length === 1, 'signalled run closed in visibility');
    expect(ids(await listed(`recipe=${hold}&status=waiting`))).toEqual([runs.waiting]);
    expect(ids(await listed(`event=hold.${suffix}`))).toEqual(ids([{ runId: runs.signalled! }, { runId: runs.waiting! }]));
    expect(await listed(`recipe=${gate}&since=2999-01-01T00:00:00Z`)).toEqual([]);
    expect(await listed(`recipe=${gate}&since=2020-01-01`)).toHaveLength(3);

    const first = (await api('GET', `/api/v1/runs?recipe=${gate}&limit=2`)).body;
    expect(first.runs).toHaveLength(2);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = (await api('GET', `/api/v1/runs?recipe=${gate}&limit=2&cursor=${first.nextCursor}`)).body;
    expect(second.runs).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(ids([...first.runs, ...second.runs])).toEqual(ids([{ runId: runs.approved! }, { runId: runs.rejected! }, { runId: runs.cancelled! }]));
    for (const run of [...first.runs, ...second.runs]) expect(run).toMatchObject({ recipeId: gate, event: `gate.${suffix}`, recipeVersion: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('shows an action step’s rendered input, output, attempts and timings, and a vendor error with kind and hint', async () => {
    const vendor = http.createServer((req, res) => {
      res.writeHead(req.url === '/ok' ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/ok' ? { id: 7 } : { error: 'field "name" is required' }));
    });
    await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
    try {
      const id = `call-${suffix}`;
      const recipe = { name: 'Call', trigger: { type: 'event', event: `call.${suffix}` }, steps: [{ id: 'call', action: 'http.request', input: { method: 'POST', url: '{{ trigger.url }}', json: { n: '{{ trigger.n }}' } } }] };
      expect((await api('PUT', `/api/v1/recipes/${id}`, recipe)).status).toBe(201);
      const start = async (name: string, path: string) => (await api('POST', '/api/v1/events', { topic: `call.${suffix}`, id: name, data: { url: base + path, n: name } })).body.runs[0].runId as string;
      const ok = await start('ok', '/ok');
      const bad = await start('bad', '/bad');
      await runResult(engine.client, ok);
      await expect(runResult(engine.client, bad)).rejects.toThrow();

      const done = (await api('GET', runPath(ok))).body;
      expect(done.steps).toEqual([
        expect.objectContaining({ id: 'call', status: 'succeeded', attempts: 1, input: expect.objectContaining({ url: `${base}/ok`, json: { n: 'ok' } }), output: expect.objectContaining({ status: 200, body: { id: 7 } }) }),
      ]);
      const timing = done.steps[0].timing;
      expect(Date.parse(timing.scheduledAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
      expect(Date.parse(timing.closedAt)).toBeGreaterThanOrEqual(Date.parse(timing.startedAt));
      expect(Date.parse(timing.closedAt)).toBeLessThanOrEqual(Date.parse(done.closedAt));
      expect(timing.durationMs).toBe(Date.parse(timing.closedAt) - Date.parse(timing.scheduledAt));

      const failed = (await api('GET', runPath(bad))).body;
      expect(failed).toMatchObject({ status: 'failed', error: { stepId: 'call', kind: 'InvalidInput' } });
      expect(failed.steps[0]).toMatchObject({ status: 'failed', error: { kind: 'InvalidInput', hint: expect.stringContaining("fix the recipe's input") }, timing: { closedAt: expect.any(String) } });
      expect(failed.steps[0].error.message).toContain('field "name" is required');
    } finally {
      await new Promise<void>((resolve) => vendor.close(() => resolve()));
    }
  });

  it('exports the same filters as ndjson and csv, read back row for row', async () => {
    const headers = { authorization: `Bearer ${admin}` };
    const ndjson = await fetch(`${url}/api/v1/runs/export?format=ndjson&recipe=${gate}`, { headers });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const rows = (await ndjson.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(ids(rows)).toEqual(ids([{ runId: runs.approved! }, { runId: runs.rejected! }, { runId: runs.cancelled! }]));
    expect(Object.fromEntries(rows.map((r) => [r.runId, r.status]))).toEqual({ [runs.approved!]: 'succeeded', [runs.rejected!]: 'failed', [runs.cancelled!]: 'cancelled' });

    const csv = await fetch(`${url}/api/v1/runs/export?format=csv&event=hold.${suffix}&limit=1`, { headers });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const table = parseCsv(await csv.text());
    expect(table[0]).toEqual(['runId', 'recipeId', 'recipeVersion', 'event', 'status', 'startedAt', 'closedAt', 'temporalRunId']);
    expect(table).toHaveLength(2);
    expect([runs.signalled, runs.waiting]).toContain(table[1]![0]);
    expect(table[1]!.slice(1, 4)).toEqual([hold, expect.stringMatching(/^[0-9a-f]{16}$/), `hold.${suffix}`]);

    const all = parseCsv((await (await fetch(`${url}/api/v1/runs/export?format=csv&recipe=${hold}`, { headers })).text()));
    expect(all.slice(1).map((r) => r[0]).sort()).toEqual(ids([{ runId: runs.signalled! }, { runId: runs.waiting! }]));

    // Quoting: a value with a comma, a quote and a line break survives the round trip.
    const tricky = ['a,b', 'say "hi"', 'two\nlines', '', 'plain'];
    expect(parseCsv(csvLine(tricky) + '\n')).toEqual([tricky]);
  });
});
