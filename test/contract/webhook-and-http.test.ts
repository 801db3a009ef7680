import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { CatchHookFake } from '../../sandbox/catch-hook-fake';
import { describeConnectorContract } from '../support/connector-contract';
import { startContractHarness, type ContractHarness } from '../support/contract-harness';

const secret = 'whsec-0123456789abcdef';
const post = (fake: CatchHookFake, body: unknown = {}, url = `${fake.url}${fake.hookPath}`) => ({ stepId: 's', connectionId: null, input: { url, body } });

describeConnectorContract({
  connector: 'webhook',
  title: 'webhook.post and http.request against a catch-hook fake',
  fake: () => new CatchHookFake(),
  connections: () => [{ id: 'hooks-out', connector: 'webhook', credentials: { signingSecret: secret } }],
  actions: {
    'webhook.post': {
      call: (fake) => post(fake),
      endpoint: ['POST', '/hooks/catch/*'],
      happyPath: {
        how: 'posts JSON with a stable Idempotency-Key and no connection',
        call: (fake) => ({ ...post(fake, { subject: 'Hi' }), stepId: 'notify' }),
        result: { status: 200, body: { status: 'success' } },
        request(req, { fake }) {
          expect(req.path).toBe(fake.hookPath);
          expect(req.body).toEqual({ subject: 'Hi' });
          expect(req.headers['idempotency-key']).toMatch(/^contract-.+\/notify$/);
        },
      },
      retryable: { how: 'a 502' },
      rateLimited: { how: '429 Retry-After: 2', retryAfterSeconds: 2, nextRetryDelayMs: 2000 },
      authLost: { how: 'a 401 (no connection to disconnect)' },
      fatal: { how: 'a 404 from an unregistered hook', call: (fake) => post(fake, {}, `${fake.url}/hooks/catch/unknown/`) },
    },
    'http.request': {
      call: (fake) => ({ stepId: 's', connectionId: null, input: { url: `${fake.url}/bad-request` } }),
      invalidInput: { how: 'a 422 with the receiver message', message: '422 from the HTTP server: name is required' },
    },
  },
  specific(ctx) {
    let closed: ContractHarness;
    beforeAll(async () => {
      closed = await startContractHarness({ egressAllow: [] });
    });
    afterAll(async () => {
      await closed?.close();
    });

    it('signs with the connection secret (X-Hub-Signature-256 over the exact bytes sent)', async () => {
      const res = await ctx.call('webhook.post', { stepId: 's', connectionId: 'hooks-out', input: { url: `${ctx.fake.url}${ctx.fake.hookPath}`, body: { a: 1 }, signature: 'hmac-sha256' } });
      expect(res.ok).toBe(true);
      const [req] = ctx.fake.received('POST', ctx.fake.hookPath);
      expect(req!.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(req!.rawBody).digest('hex')}`);
    });

    it('http.request sends query, headers and form bodies and returns status, headers, body', async () => {
      const get = await ctx.call('http.request', { stepId: 's', connectionId: null, input: { url: `${ctx.fake.url}/echo`, query: { q: 'a b' }, headers: { 'X-Test': 'yes' } } });
      expect(get).toMatchObject({ ok: true, result: { status: 200, body: { query: { q: 'a b' }, headers: { 'x-test': 'yes' } } } });
      const form = await ctx.call('http.request', { stepId: 's', connectionId: null, input: { method: 'POST', url: `${ctx.fake.url}/form`, form: { a: '1', b: 'x y' } } });
      expect(form).toMatchObject({ ok: true, result: { body: { form: 'a=1&b=x+y', type: 'application/x-www-form-urlencoded' } } });
    });

    it('http.request with acceptErrorStatus returns an error status instead of failing', async () => {
      const accepted = await ctx.call('http.request', { stepId: 's', connectionId: null, input: { url: `${ctx.fake.url}/bad-request`, acceptErrorStatus: true } });
      expect(accepted).toMatchObject({ ok: true, result: { status: 422 } });
    });

    it('with an empty allow-list a loopback target fails once as Fatal blocked_destination and nothing is sent', async () => {
      const res = await closed.call('http.request', { stepId: 's', connectionId: null, input: { url: `${ctx.fake.url}/echo` } });
      expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true, message: expect.stringMatching(/^blocked_destination: /) });
      const viaName = await closed.call('webhook.post', post(ctx.fake, {}, ctx.fake.url.replace('127.0.0.1', 'localhost') + ctx.fake.hookPath));
      expect(viaName).toMatchObject({ ok: false, type: FailureType.fatal, message: expect.stringContaining('blocked_destination') });
      expect(ctx.fake.requests).toHaveLength(0);
    });
  },
});
