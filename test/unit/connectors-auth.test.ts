import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { intercom } from '../../connectors/intercom';
import { auth } from '../../connectors/sdk/auth';
import { fakeContext } from '../../connectors/sdk/fake-context';
import type { OutgoingRequest } from '../../connectors/sdk/types';
import { webhook } from '../../connectors/webhook';
import { post } from '../../connectors/webhook/post';
import { CatchHookFake } from '../../sandbox/catch-hook-fake';
import { IntercomFake } from '../../sandbox/intercom-fake';

const applied = <C>(def: { apply(c: C, r: OutgoingRequest): void }, c: C) => {
  const r: OutgoingRequest = { url: new URL('https://api.example.com/x'), headers: {} };
  def.apply(c, r);
  return { headers: r.headers, url: r.url.href };
};

describe('auth kinds', () => {
  it('apply their credentials in the vendor form', () => {
    expect(applied(auth.apiKey({ name: 'X-Api-Token' }), { apiKey: 'k' }).headers).toEqual({ 'x-api-token': 'k' });
    expect(applied(auth.apiKey({ in: 'query', name: 'key' }), { apiKey: 'k' }).url).toBe('https://api.example.com/x?key=k');
    expect(applied(auth.bearer(), { accessToken: 't' }).headers).toEqual({ authorization: 'Bearer t' });
    expect(applied(auth.basic(), { username: 'u', password: 'p' }).headers).toEqual({ authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(applied(auth.oauth2({ tokenUrl: 'https://t' }), { accessToken: 'a' }).headers).toEqual({ authorization: 'Bearer a' });
    expect(applied(auth.none(), {}).headers).toEqual({});
    const custom = auth.custom({ credentials: z.object({ k: z.string() }), apply: (c, r) => void (r.headers['x-k'] = c.k) });
    expect(applied(custom, { k: 'v' }).headers).toEqual({ 'x-k': 'v' });
  });

  it('have credentials schemas that reject a wrong shape with the field path', () => {
    const r = auth.basic({ extra: { siteUrl: z.url() } }).credentials.safeParse({ username: 'u', siteUrl: 'nope' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['password', 'siteUrl']);
    expect(auth.oauth2({ tokenUrl: 'https://t' }).credentials.safeParse({ accessToken: 'a', expiresAt: 'tomorrow' }).success).toBe(false);
    expect(auth.none().credentials.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('an optional bearer token fails fatally, naming the field, only when a call needs it', () => {
    const def = auth.bearer({ optional: true });
    expect(def.credentials.safeParse({}).success).toBe(true);
    expect(() => applied(def, {})).toThrow(expect.objectContaining({ kind: 'fatal', field: 'accessToken' }));
  });
});

describe('connector extras', () => {
  let hooks: CatchHookFake;
  let ic: IntercomFake;
  beforeAll(async () => {
    hooks = await new CatchHookFake().start();
    ic = await new IntercomFake().start();
  });
  afterAll(async () => {
    await hooks?.close();
    await ic?.close();
  });

  it('webhook.post signs Standard Webhooks headers that the reference library verifies', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const ctx = fakeContext({ connector: webhook.definition, credentials: { signingSecret: secret }, idempotencyKey: 'run/abc/notify' });
    await post.run(ctx, post.input.parse({ url: `${hooks.url}${hooks.hookPath}`, body: { a: 1 }, signature: 'standard-webhooks' }));
    const [req] = hooks.received('POST', hooks.hookPath);
    const headers = { 'webhook-id': String(req!.headers['webhook-id']), 'webhook-timestamp': String(req!.headers['webhook-timestamp']), 'webhook-signature': String(req!.headers['webhook-signature']) };
    expect(() => new Webhook(secret).verify(req!.rawBody, headers)).not.toThrow();
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{24}$/);
  });

  it('webhook.post without a signing secret names the problem', async () => {
    const ctx = fakeContext({ connector: webhook.definition, credentials: {} });
    await expect(post.run(ctx, post.input.parse({ url: `${hooks.url}${hooks.hookPath}`, body: {}, signature: 'hmac-sha256' }))).rejects.toMatchObject({ kind: 'invalid_input', field: 'signature' });
  });

  it('intercom validate() proves the token works, and fails auth_lost when it does not', async () => {
    const def = intercom.definition;
    await def.validate!(fakeContext({ connector: def, credentials: { accessToken: 'intercom-token' }, baseUrl: ic.url }));
    await expect(def.validate!(fakeContext({ connector: def, credentials: { accessToken: 'bad' }, baseUrl: ic.url }))).rejects.toMatchObject({ kind: 'auth_lost', status: 401 });
  });
});
