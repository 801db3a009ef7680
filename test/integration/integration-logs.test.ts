import { randomBytes, randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/remote/api-client';
import { registerLogsCommand } from '../../src/cli/remote/logs-command';
import { eventHash } from '../../src/recipe/run-id';
import { call } from '../support/api-harness';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyRecipe } from '../support/hooks';
import { intercomNotification, signIntercom } from '../support/intercom-webhooks';
import { waitFor } from '../support/temporal';

/**
 * The inbound log through the real ingress (#17): every delivery to /hooks/… is recorded with its
 * outcome and reason, its body sealed, readable through /api/v1/logs with filters, pages and
 * exports; the retention sweep prunes it; and a failing log write changes no acknowledgement.
 */
describe('integration logs: inbound deliveries through the real ingress', () => {
  const secret = randomBytes(16).toString('hex');
  const recipeId = `logs-${randomUUID().slice(0, 8)}`;
  const tag = randomUUID().slice(0, 6);
  const conn = (n: number) => `il-${tag}-${n}`;
  const oldId = { value: '' };
  let engine: TestEngine;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    engine = await startTestEngine(
      'inbound-log',
      // 3 deliveries per minute per hook URL; 4 KB bodies; the pump (and so the retention sweep) ticks fast; the inbox sweep is rare (a row appended by hand stays queued).
      { SWITCHYARD_HOOKS_RATE_LIMIT: '3', SWITCHYARD_WEBHOOK_MAX_BYTES: '4096', SWITCHYARD_ENGINE_EVENTS_POLL: '200ms', SWITCHYARD_INBOUND_LOG_RETENTION: '7d', SWITCHYARD_INBOX_SWEEP: '1h' },
      async (store) => {
        for (let n = 1; n <= 6; n++) await store.connections.create({ id: conn(n), connector: 'intercom', name: `Intercom ${n}`, credentials: { clientSecret: secret } });
        await applyRecipe(
          store,
          {
            id: recipeId,
            name: 'Logs',
            trigger: { type: 'webhook', connection: conn(1), event: 'conversation.user.created' },
            steps: [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }],
          },
          { [conn(1)]: 'intercom' },
        );
        // An entry from before the retention window: the API's sweep prunes it.
        await store.inboundLog.append([
          { receivedAt: new Date(Date.now() - 8 * 86_400_000).toISOString(), connectionId: conn(6), topic: 'old', outcome: 'unmatched', reason: 'no_recipe', detail: null, status: 200, eventCount: 1, runs: [], sizeBytes: 2, payload: '{}' },
        ]);
        oldId.value = (await store.inboundLog.list({ connection: conn(6), limit: 1 }))[0]!.id;
      },
    );
    admin = (await engine.api.tokens.create({ name: 'logs admin', scopes: ['connections:read', 'runs:read', 'webhooks:read'] })).secret;
    reader = (await engine.api.tokens.create({ name: 'logs reader', scopes: ['connections:read'] })).secret;
  }, 120_000);
  afterAll(() => engine?.stop());

  const post = (connection: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${engine.api.url}/hooks/${connection}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, secret), ...headers }, body });
  const logOf = async (connection: string, expected: number, query = '') => {
    const path = `/api/v1/logs/inbound?connection=${connection}${query}`;
    return waitFor(async () => {
      const answer = await call(engine.api.url, 'GET', path, { token: admin });
      expect(answer.status).toBe(200);
      return answer.body.entries.length >= expected ? answer.body.entries : undefined;
    }, `${expected} inbound log entries for ${connection}`);
  };

  it('records each outcome with its reason, the runs started, and the body (sealed at rest)', async () => {
    const body = intercomNotification('conversation.user.created', { type: 'conversation', id: 'c1', note: `canary-${tag}` });
    const accepted = await post(conn(1), body);
    expect(accepted.status).toBe(202);
    const { runs } = (await accepted.json()) as { runs: { runId: string }[] };
    expect((await post(conn(1), body)).status).toBe(200); // the sender's retry: a duplicate
    expect((await post(conn(2), intercomNotification('conversation.user.created', { id: 'c2' }))).status).toBe(200); // no recipe on conn 2
    expect((await post(conn(3), body, { 'x-hub-signature': 'sha1=0000' })).status).toBe(401);
    expect((await post(conn(3), '{"not json')).status).toBe(400);
    expect((await post(conn(4), JSON.stringify({ pad: 'x'.repeat(5000) }))).status).toBe(413);
    expect((await post(`il-${tag}-missing`, body)).status).toBe(401);
    expect((await post(conn(2), body, { 'content-type': 'text/plain' })).status).toBe(415);
    const limited = [];
    for (let i = 0; i < 4; i++) limited.push((await post(conn(5), intercomNotification('contact.created', { id: `c5-${i}` }))).status);
    expect(limited).toEqual([200, 200, 200, 429]);

    const [dup, first] = await logOf(conn(1), 2);
    expect(first).toMatchObject({ outcome: 'accepted', reason: null, status: 202, topic: 'conversation.user.created', eventCount: 1, hasPayload: true });
    expect(first.runs.map((r: { runId: string }) => r.runId)).toEqual(runs.map((r) => r.runId));
    expect(dup).toMatchObject({ outcome: 'duplicate', status: 200, runs: [] });
    const conn2 = await logOf(conn(2), 2);
    expect(conn2.map((e: { outcome: string; reason: string }) => [e.outcome, e.reason])).toEqual([
      ['rejected', 'unsupported_media_type'],
      ['unmatched', 'no_recipe'],
    ]);
    const conn3 = await logOf(conn(3), 2);
    expect(conn3[1]).toMatchObject({ outcome: 'rejected', reason: 'bad_signature', status: 401, hasPayload: true });
    expect(conn3[1].detail).toBeTruthy();
    expect(conn3[0]).toMatchObject({ outcome: 'rejected', reason: 'malformed_json', status: 400 });
    expect((await logOf(conn(4), 1))[0]).toMatchObject({ outcome: 'rejected', reason: 'payload_too_large', status: 413, hasPayload: false });
    expect((await logOf(`il-${tag}-missing`, 1))[0]).toMatchObject({ outcome: 'rejected', reason: 'unknown_connection', status: 401, hasPayload: false });
    expect((await logOf(conn(5), 4))[0]).toMatchObject({ outcome: 'rejected', reason: 'rate_limited', status: 429 });

    // Filters and pages.
    expect((await logOf(conn(5), 3, '&outcome=unmatched')).every((e: { outcome: string }) => e.outcome === 'unmatched')).toBe(true);
    const page1 = await call(engine.api.url, 'GET', `/api/v1/logs/inbound?connection=${conn(5)}&limit=3`, { token: admin });
    expect(page1.body.entries).toHaveLength(3);
    const page2 = await call(engine.api.url, 'GET', `/api/v1/logs/inbound?connection=${conn(5)}&limit=3&cursor=${page1.body.nextCursor}`, { token: admin });
    expect(page2.body).toMatchObject({ entries: [{ outcome: 'unmatched' }], nextCursor: null });
    expect((await call(engine.api.url, 'GET', '/api/v1/logs/inbound?cursor=junk', { token: admin })).status).toBe(400);
    expect((await call(engine.api.url, 'GET', '/api/v1/logs/inbound?outcome=maybe', { token: admin })).status).toBe(400);
    const byTopic = await call(engine.api.url, 'GET', `/api/v1/logs/inbound?topic=contact.created&since=${new Date(Date.now() - 600_000).toISOString()}`, { token: admin });
    expect(byTopic.body.entries.map((e: { connectionId: string }) => e.connectionId)).toEqual([conn(5), conn(5), conn(5)]);

    // The body: the sealed row holds no plaintext; the detail opens it for a token that may read run inputs.
    const row = (await sql<{ payload_ciphertext: string }>`select payload_ciphertext from inbound_log where id = ${first.id}`.execute(engine.store.db)).rows[0]!;
    expect(row.payload_ciphertext).not.toContain(`canary-${tag}`);
    const detail = await call(engine.api.url, 'GET', `/api/v1/logs/inbound/${first.id}`, { token: admin });
    expect(detail.body).toMatchObject({ id: first.id, payload: body, payloadHidden: false });
    const hidden = await call(engine.api.url, 'GET', `/api/v1/logs/inbound/${first.id}`, { token: reader });
    expect(hidden.body).toMatchObject({ id: first.id, payload: null, payloadHidden: true });
    expect((await call(engine.api.url, 'GET', '/api/v1/logs/inbound/il_missing', { token: admin })).status).toBe(404);
  });

  it('exports NDJSON and CSV that parse', async () => {
    const ndjson = await call(engine.api.url, 'GET', `/api/v1/logs/inbound/export?connection=${conn(5)}&format=ndjson`, { token: admin });
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = String(ndjson.body).trim().split('\n').map((l) => JSON.parse(l) as { outcome: string });
    expect(lines.map((l) => l.outcome)).toEqual(['rejected', 'unmatched', 'unmatched', 'unmatched']);
    const csv = await call(engine.api.url, 'GET', `/api/v1/logs/inbound/export?connection=${conn(3)}&format=csv&limit=10`, { token: admin });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const [header, ...rows] = String(csv.body).trim().split('\n');
    expect(header).toBe('id,receivedAt,connectionId,topic,outcome,reason,detail,status,eventCount,runs,sizeBytes');
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.includes(`,${conn(3)},`) && r.includes(',rejected,'))).toBe(true);
    expect((await call(engine.api.url, 'GET', '/api/v1/logs/inbound/export?format=xml', { token: admin })).status).toBe(400);

    const outgoing = await call(engine.api.url, 'GET', `/api/v1/logs/outgoing?connection=${conn(1)}`, { token: admin });
    expect(outgoing).toMatchObject({ status: 200, body: { entries: [], nextCursor: null } });
    const outgoingCsv = await call(engine.api.url, 'GET', '/api/v1/logs/outgoing/export?format=csv', { token: admin });
    expect(String(outgoingCsv.body).split('\n')[0]).toBe('createdAt,subscriptionId,messageId,topic,connectionId,status,attempts,lastStatusCode,lastError,lastAttemptAt,nextAttemptAt,latencyMs,responseSnippet');
    const calls = await call(engine.api.url, 'GET', `/api/v1/logs/vendor-calls?connection=${conn(1)}`, { token: admin });
    expect(calls.status).toBe(200);
    expect(Array.isArray(calls.body.entries)).toBe(true);

    // The CLI over the same routes.
    const cli = async (...argv: string[]) => {
      const lines: string[] = [];
      const program = new Command().exitOverride();
      registerLogsCommand(program, { client: (o) => new ApiClient(o.url ?? engine.api.url, o.token ?? admin), print: (l) => lines.push(l) });
      await program.parseAsync(['node', 'switchyard', ...argv]);
      return lines;
    };
    const table = await cli('logs', 'inbound', '--connection', conn(3));
    expect(table[0]).toMatch(/^receivedAt\s+connectionId\s+outcome\s+reason/i);
    expect(table.filter((l) => l.includes('bad_signature') || l.includes('malformed_json'))).toHaveLength(2);
    const exported = await cli('logs', 'inbound', '--connection', conn(5), '--outcome', 'unmatched', '--export', 'ndjson');
    expect(exported.join('\n').split('\n').map((l) => (JSON.parse(l) as { outcome: string }).outcome)).toEqual(['unmatched', 'unmatched', 'unmatched']);
    expect((await cli('logs', 'outgoing', '--export', 'csv'))[0]).toMatch(/^createdAt,subscriptionId/);
    expect(await cli('logs', 'vendor-calls', '--connection', conn(1), '--json')).toHaveLength(1);
  });

  it('the retention sweep prunes entries older than SWITCHYARD_INBOUND_LOG_RETENTION', async () => {
    await waitFor(async () => (await engine.store.inboundLog.get(oldId.value)) === undefined, 'the old entry to be pruned', 30_000);
    expect((await engine.store.inboundLog.list({ connection: conn(1), limit: 10 })).length).toBeGreaterThanOrEqual(2);
  });

  it('GET /api/v1/runs/:id answers a run still queued in the durable inbox', async () => {
    const event = { id: `queued-${tag}`, topic: 'conversation.user.created', source: conn(1), receivedAt: new Date().toISOString(), payload: {} };
    const hash = eventHash(conn(1), event.id);
    // Appended as the ingress does, but past this process's dispatcher (its sweep is an hour away): the run waits.
    await engine.store.inbox.append([{ source: conn(1), eventHash: hash, receivedAt: event.receivedAt, body: JSON.stringify({ event, recipes: [recipeId] }) }]);
    const runId = `run/${recipeId}/${hash}`;
    const answer = await call(engine.api.url, 'GET', `/api/v1/runs/${encodeURIComponent(runId)}`, { token: admin });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ runId, recipeId, status: 'queued', executionStatus: 'QUEUED', temporalRunId: null, event: 'conversation.user.created', startedAt: event.receivedAt, steps: null });
    const unknown = await call(engine.api.url, 'GET', `/api/v1/runs/${encodeURIComponent(`run/other-recipe/${hash}`)}`, { token: admin });
    expect(unknown.status).toBe(404);
  });

  it('a failing inbound log write changes no acknowledgement', async () => {
    await sql`drop table inbound_log`.execute(engine.store.db);
    const res = await post(conn(1), intercomNotification('conversation.user.created', { id: `after-drop-${tag}` }));
    expect(res.status).toBe(202);
    expect(((await res.json()) as { matched: number }).matched).toBe(1);
    expect((await post(conn(2), intercomNotification('conversation.user.created', { id: 'c2-after' }))).status).toBe(200);
  });
});
