import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { SlackFake } from '../fakes/slack-fake';
import { startContractHarness, type ContractHarness } from './support/harness';

describe('slack connector against its fake', () => {
  let fake: SlackFake;
  let h: ContractHarness;
  const step = (input: unknown) => ({ stepId: 'notify', connectionId: 'slack-main', input });

  beforeAll(async () => {
    fake = await new SlackFake().start();
    h = await startContractHarness();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.revoked.clear();
    h.connections.add({ id: 'slack-main', connector: 'slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: fake.url });
  });

  it('posts a message: JSON body, token in the Authorization header, returns channel and ts', async () => {
    const res = await h.call('slack.postMessage', step({ channel: '#support', text: 'Created SUP-1' }));
    expect(res).toMatchObject({ ok: true, result: { ok: true, channel: 'C0SUPPORT', ts: expect.stringMatching(/^\d+\.\d+$/) } });
    const [req] = fake.received('POST', '/chat.postMessage');
    expect(req!.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(req!.headers['content-type']).toContain('application/json');
    expect(req!.body).toEqual({ channel: '#support', text: 'Created SUP-1' });
  });

  it('retryable: a 503 is retried', async () => {
    fake.fail({ kind: 'server_error' });
    expect((await h.call('slack.postMessage', step({ channel: 'C0GENERAL', text: 'hi' }))).ok).toBe(true);
    expect(fake.received('POST', '/chat.postMessage')).toHaveLength(2);
  });

  it('rate_limited: 429 Retry-After: 3 → the next attempt is at least 3 s later', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 3 });
    expect((await h.call('slack.postMessage', step({ channel: 'C0GENERAL', text: 'hi' }))).ok).toBe(true);
    const [a, b] = fake.received('POST', '/chat.postMessage');
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(3000);
  });

  it('auth_lost: ok:false token_revoked in a 200 → AuthLost, no retry, connection disconnected', async () => {
    fake.revoked.add('xoxb-test-token');
    const res = await h.call('slack.postMessage', step({ channel: 'C0GENERAL', text: 'hi' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.authLost, nonRetryable: true, message: expect.stringContaining('token_revoked') });
    expect(fake.requests).toHaveLength(1);
    expect(h.connections.disconnects.at(-1)).toMatchObject({ id: 'slack-main', message: expect.stringContaining('token_revoked') });
  });

  it('invalid_input: ok:false channel_not_found → InvalidInput naming the channel field, no retry', async () => {
    const res = await h.call('slack.postMessage', step({ channel: '#nope', text: 'hi' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.invalidInput, nonRetryable: true, message: expect.stringContaining('channel_not_found') });
    expect((res as { details: { field: string }[] }).details[0]!.field).toBe('channel');
    expect(fake.requests).toHaveLength(1);
  });

  it('fatal: ok:false missing_scope → Fatal, no retry', async () => {
    fake.fail({ kind: 'respond', response: { status: 200, json: { ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'channels:read' } } });
    const res = await h.call('slack.postMessage', step({ channel: 'C0GENERAL', text: 'hi' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true, message: 'Slack: missing_scope (needs chat:write)' });
    expect(fake.requests).toHaveLength(1);
  });
});
