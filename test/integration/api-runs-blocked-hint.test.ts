import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api-harness';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor } from '../support/temporal';

/** A step the SSRF guard refused: the hint says the vendor was never called, not that it refused. */
describe('the hint of a step refused by the SSRF guard', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const topic = `blocked.${randomBytes(3).toString('hex')}`;
  let engine: TestEngine;
  const api = (method: string, path: string, body?: unknown) => call(engine.api.url, method, path, { token: admin, body });

  beforeAll(async () => {
    // No egress allow-list: the connection's loopback base URL is blocked at connect time.
    engine = await startTestEngine('blocked-hint', { SWITCHYARD_ADMIN_TOKEN: admin, SWITCHYARD_EGRESS_ALLOW: '' }, async (store) => {
      await store.connections.create({ id: 'slack-internal', connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: 'http://127.0.0.1:9/' });
    });
  }, 120_000);
  afterAll(async () => engine?.stop());

  it('names the guard and SWITCHYARD_EGRESS_ALLOW', async () => {
    const recipe = { name: 'Blocked', trigger: { type: 'event', event: topic }, steps: [{ id: 'post', action: 'slack.postMessage', connection: 'slack-internal', input: { channel: '#c', text: 'hi' } }] };
    expect((await api('PUT', '/api/v1/recipes/blocked-hint', recipe)).status).toBe(201);
    const posted = await api('POST', '/api/v1/events', { topic, data: {} });
    expect(posted.status).toBe(202);
    const runPath = `/api/v1/runs/${encodeURIComponent(posted.body.runs[0].runId)}`;
    const run = await waitFor(async () => {
      const answer = await api('GET', runPath);
      return answer.body.status === 'failed' ? answer.body : undefined;
    }, 'the run to fail', 60_000);
    const error = run.steps[0].error;
    expect(error.kind).toBe('Fatal');
    expect(error.message).toMatch(/blocked_destination: .*127\.0\.0\.1/);
    expect(error.hint).toMatch(/^the SSRF guard blocked the destination before anything was sent \(the vendor was never called\).*SWITCHYARD_EGRESS_ALLOW/);
    expect(error.hint).not.toMatch(/vendor refused/);
  }, 90_000);
});
