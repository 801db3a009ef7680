import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { CatchHookFake } from '../fakes/catch-hook-fake';
import { startContractHarness, type ContractHarness } from '../support/contract-harness';

describe('webhook.post and http.request against a catch-hook fake', () => {
  let fake: CatchHookFake;
  let h: ContractHarness;
  let closed: ContractHarness;
  const secret = 'whsec-0123456789abcdef';

  beforeAll(async () => {
    fake = await new CatchHookFake().start();
    h = await startContractHarness();
    closed = await startContractHarness({ egressAllow: [] });
  });
  afterAll(async () => {
    await h?.close();
    await closed?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    h.connections.add({ id: 'hooks-out', connector: 'webhook', credentials: { signingSecret: secret } });
  });

  it('posts JSON with a stable Idempotency-Key and no connection', async () => {
    const res = await h.call('webhook.post', { stepId: 'notify', connectionId: null, input: { url: `${fake.url}${fake.hookPath}`, body: { subject: 'Hi' } } });
    expect(res).toMatchObject({ ok: true, result: { status: 200, body: { status: 'success' } } });
    const [req] = fake.received('POST', fake.hookPath);
    expect(req!.body).toEqual({ subject: 'Hi' });
    expect(req!.headers['idempotency-key']).toMatch(/^contract-.+\/notify$/);
  });

  it('signs with the connection secret (X-Hub-Signature-256 over the exact bytes sent)', async () => {
    const res = await h.call('webhook.post', { stepId: 's', connectionId: 'hooks-out', input: { url: `${fake.url}${fake.hookPath}`, body: { a: 1 }, signature: 'hmac-sha256' } });
    expect(res.ok).toBe(true);
    const [req] = fake.received('POST', fake.hookPath);
    expect(req!.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(req!.rawBody).digest('hex')}`);
  });

  it('http.request sends query, headers and form bodies and returns status, headers, body', async () => {
    const get = await h.call('http.request', { stepId: 's', connectionId: null, input: { url: `${fake.url}/echo`, query: { q: 'a b' }, headers: { 'X-Test': 'yes' } } });
    expect(get).toMatchObject({ ok: true, result: { status: 200, body: { query: { q: 'a b' }, headers: { 'x-test': 'yes' } } } });
    const form = await h.call('http.request', { stepId: 's', connectionId: null, input: { method: 'POST', url: `${fake.url}/form`, form: { a: '1', b: 'x y' } } });
    expect(form).toMatchObject({ ok: true, result: { body: { form: 'a=1&b=x+y', type: 'application/x-www-form-urlencoded' } } });
  });

  it('retryable: 502 is retried', async () => {
    fake.fail({ kind: 'server_error' });
    expect((await h.call('webhook.post', { stepId: 's', connectionId: null, input: { url: `${fake.url}${fake.hookPath}`, body: {} } })).ok).toBe(true);
    expect(fake.received('POST', fake.hookPath)).toHaveLength(2);
  });

  it('rate_limited: 429 Retry-After: 2 → next attempt ≥ 2 s later', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 2 });
    expect((await h.call('webhook.post', { stepId: 's', connectionId: null, input: { url: `${fake.url}${fake.hookPath}`, body: {} } })).ok).toBe(true);
    const [a, b] = fake.received('POST', fake.hookPath);
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(2000);
  });

  it('auth_lost: 401 → AuthLost, not retried', async () => {
    fake.fail({ kind: 'unauthorized' });
    const res = await h.call('webhook.post', { stepId: 's', connectionId: null, input: { url: `${fake.url}${fake.hookPath}`, body: {} } });
    expect(res).toMatchObject({ ok: false, type: FailureType.authLost, nonRetryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  it('invalid_input: 422 → InvalidInput with the receiver message; acceptErrorStatus returns it instead', async () => {
    const res = await h.call('http.request', { stepId: 's', connectionId: null, input: { url: `${fake.url}/bad-request` } });
    expect(res).toMatchObject({ ok: false, type: FailureType.invalidInput, nonRetryable: true, message: '422 from the HTTP server: name is required' });
    const accepted = await h.call('http.request', { stepId: 's', connectionId: null, input: { url: `${fake.url}/bad-request`, acceptErrorStatus: true } });
    expect(accepted).toMatchObject({ ok: true, result: { status: 422 } });
  });

  it('fatal: 404 (an unregistered hook) → Fatal, not retried', async () => {
    const res = await h.call('webhook.post', { stepId: 's', connectionId: null, input: { url: `${fake.url}/hooks/catch/unknown/`, body: {} } });
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  it('with an empty allow-list a loopback target fails once as Fatal blocked_destination and nothing is sent', async () => {
    const res = await closed.call('http.request', { stepId: 's', connectionId: null, input: { url: `${fake.url}/echo` } });
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true, message: expect.stringMatching(/^blocked_destination: /) });
    const viaName = await closed.call('webhook.post', { stepId: 's', connectionId: null, input: { url: fake.url.replace('127.0.0.1', 'localhost') + fake.hookPath, body: {} } });
    expect(viaName).toMatchObject({ ok: false, type: FailureType.fatal, message: expect.stringContaining('blocked_destination') });
    expect(fake.requests).toHaveLength(0);
  });
});
