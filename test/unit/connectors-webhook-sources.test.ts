import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { intercom } from '../../connectors/intercom';
import { InvalidDeliveryError } from '../../connectors/sdk/errors';
import { githubSignature, signHub, verifyHubSignature } from '../../connectors/sdk/signatures/hub-signature';
import { signStandardWebhook, verifyStandardWebhook } from '../../connectors/sdk/signatures/standard-webhooks';
import { registry } from '../../connectors/registry';
import { auth } from '../../connectors/sdk/auth';
import { connector } from '../../connectors/sdk/connector';
import { createRegistry } from '../../connectors/sdk/registry';
import { isSignatureScheme } from '../../connectors/sdk/signatures/schemes';
import { webhook } from '../../connectors/webhook';
import { signIntercom } from '../support/intercom-webhooks';

const source = intercom.definition.webhookSource!;
const generic = webhook.definition.webhookSource!;
const now = new Date();

describe('intercom webhook source', () => {
  const secret = 'client-secret';
  const body = Buffer.from(JSON.stringify({ type: 'notification_event', id: 'notif_1', topic: 'conversation_part.tag.created', data: { item: { type: 'conversation' } } }));
  const sig = (b: Buffer, key = secret) => signIntercom(b, key);

  it('verifies X-Hub-Signature sha1 over the raw bytes', () => {
    expect(source.verify({ rawBody: body, headers: { 'x-hub-signature': sig(body) } }, { clientSecret: secret }, now)).toEqual({ ok: true });
  });

  it('rejects a wrong key, a changed body, a missing or malformed header, without throwing', () => {
    const verify = (headers: Record<string, string>, raw = body) => source.verify({ rawBody: raw, headers }, { clientSecret: secret }, now);
    expect(verify({ 'x-hub-signature': sig(body, 'other') })).toMatchObject({ ok: false, reason: 'X-Hub-Signature does not match the body' });
    // Re-serialised JSON (spaces) is a different byte string: verification must be on raw bytes.
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(verify({ 'x-hub-signature': sig(body) }, reserialised).ok).toBe(false);
    expect(verify({})).toMatchObject({ ok: false, reason: 'missing X-Hub-Signature header' });
    expect(verify({ 'x-hub-signature': 'sha256=abc' }).ok).toBe(false);
    expect(verify({ 'x-hub-signature': 'sha1=abc' })).toMatchObject({ ok: false, reason: expect.stringContaining('40 hex') });
    expect(verify({ 'x-hub-signature': `${sig(body)}00` }).ok).toBe(false);
    expect(source.verify({ rawBody: body, headers: { 'x-hub-signature': sig(body) } }, {}, now)).toMatchObject({ ok: false, reason: expect.stringContaining('no signing secret') });
  });

  it('extracts the notification with its id and topic; ping has no id but is ignored', () => {
    expect(source.extract({ rawBody: body, headers: {} }, JSON.parse(body.toString()))).toEqual([
      { id: 'notif_1', topic: 'conversation_part.tag.created', payload: JSON.parse(body.toString()) },
    ]);
    const ping = { type: 'notification_event', id: null, topic: 'ping', app_id: 'a86dr8yl', data: { item: { type: 'ping', message: 'something' } }, links: {}, delivery_status: null, delivered_at: 0 };
    const [event] = source.extract({ rawBody: Buffer.from(JSON.stringify(ping)), headers: {} }, ping);
    expect(event!.topic).toBe('ping');
    expect(event!.id).toMatch(/^sha256:/);
    expect(source.ignoredTopics).toContain('ping');
    expect(() => source.extract({ rawBody: Buffer.from('[]'), headers: {} }, [])).toThrow(InvalidDeliveryError);
  });

  it('lists the 2.x topics and maps the integrations-guide names to them', () => {
    expect(source.topics).toContain('conversation_part.tag.created');
    expect(source.topics).toContain('contact.user.tag.created');
    expect(source.topicAliases).toMatchObject({ 'conversation.created': 'conversation.user.created', 'user.deleted': 'contact.deleted', 'ticket.updated': 'ticket.state.updated' });
    for (const target of Object.values(source.topicAliases!)) expect(source.topics).toContain(target);
  });
});

describe('generic inbound webhook source', () => {
  const token = 'tok_0123456789abcdef';
  const req = (body: unknown, headers: Record<string, string> = {}, pathToken: string | undefined = token) => ({ rawBody: Buffer.from(JSON.stringify(body)), headers, pathToken });

  it('accepts only the exact path token', () => {
    expect(generic.verify(req({}), { token }, now)).toEqual({ ok: true });
    expect(generic.verify(req({}, {}, 'tok_0123456789abcdeX'), { token }, now).ok).toBe(false);
    expect(generic.verify(req({}, {}, 'short'), { token }, now).ok).toBe(false);
    expect(generic.verify({ rawBody: Buffer.from('{}'), headers: {} }, { token }, now)).toMatchObject({ ok: false, reason: expect.stringContaining('missing token') });
    expect(generic.verify(req({}), {}, now).ok).toBe(false);
  });

  it('takes the id from Idempotency-Key / webhook-id / body id / a body hash, and the topic from topic / type / X-Event-Topic', () => {
    const body = { id: 'evt_1', topic: 'order.paid' };
    expect(generic.extract(req(body, { 'idempotency-key': 'k1' }), body)).toEqual([{ id: 'k1', topic: 'order.paid', payload: body }]);
    expect(generic.extract(req(body, { 'webhook-id': 'msg_1' }), body)[0]!.id).toBe('msg_1');
    expect(generic.extract(req(body), body)[0]!.id).toBe('evt_1');
    const plain = { hello: 1 };
    const [e] = generic.extract(req(plain, { 'x-event-topic': 'custom.thing' }), plain);
    expect(e).toMatchObject({ id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), topic: 'custom.thing' });
    expect(generic.extract(req(plain), plain)[0]!.topic).toBe('webhook.received');
    expect(generic.extract(req({ type: 'invoice.created' }), { type: 'invoice.created' })[0]!.topic).toBe('invoice.created');
  });

  it('treats a JSON array as several events', () => {
    const body = [{ id: 'a', topic: 't1' }, { topic: 't2' }];
    const events = generic.extract(req(body, { 'idempotency-key': 'batch-1' }), body);
    expect(events.map((e) => [e.id, e.topic])).toEqual([
      ['a', 't1'],
      ['batch-1#1', 't2'],
    ]);
  });
});

describe('reusable signature verifiers', () => {
  it('GitHub X-Hub-Signature-256 known-answer vector', () => {
    const sig = signHub(githubSignature, "It's a Secret to Everybody", 'Hello, World!');
    expect(sig).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    expect(verifyHubSignature(githubSignature, { rawBody: Buffer.from('Hello, World!'), headers: { 'X-Hub-Signature-256': sig } }, "It's a Secret to Everybody")).toEqual({ ok: true });
  });

  it('Standard Webhooks: our signer passes the reference library, and we verify what it signs', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const payload = '{"type":"run.failed"}';
    const ts = Math.floor(Date.now() / 1000);
    const ours = signStandardWebhook(secret, 'msg_1', ts, payload);
    const ref = new Webhook(secret);
    expect(() => ref.verify(payload, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': ours })).not.toThrow();
    const theirs = ref.sign('msg_2', new Date(ts * 1000), payload);
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,bogus ${theirs}` };
    expect(verifyStandardWebhook({ rawBody: Buffer.from(payload), headers }, ['whsec_b2xk', secret], new Date())).toEqual({ ok: true });
    expect(verifyStandardWebhook({ rawBody: Buffer.from(payload), headers }, secret, new Date((ts + 301) * 1000))).toMatchObject({ ok: false, reason: 'webhook-timestamp is too old' });
    expect(verifyStandardWebhook({ rawBody: Buffer.from(payload), headers }, secret, new Date((ts - 301) * 1000))).toMatchObject({ ok: false, reason: 'webhook-timestamp is too new' });
    expect(verifyStandardWebhook({ rawBody: Buffer.from(`${payload} `), headers }, secret, new Date()).ok).toBe(false);
  });
});

describe('every webhook source declares its verifier', () => {
  it('the registry holds only sources with known verification schemes', () => {
    const sources = registry.listConnectors().filter((c) => c.webhookSource);
    expect(sources.map((c) => c.id)).toEqual(expect.arrayContaining(['intercom', 'webhook']));
    for (const c of sources) {
      expect(c.webhookSource!.schemes.length, c.id).toBeGreaterThan(0);
      for (const s of c.webhookSource!.schemes) expect(isSignatureScheme(s), `${c.id}: ${s}`).toBe(true);
      // With no credentials nothing verifies: no source accepts an unsigned delivery by default.
      expect(c.webhookSource!.verify({ rawBody: Buffer.from('{}'), headers: {} }, {}, now).ok, c.id).toBe(false);
    }
  });

  it('createRegistry refuses a source that declares no scheme or an unknown one', () => {
    const base = { name: 'X', category: 'Automation' as const, description: 'x', auth: auth.none(), baseUrl: null };
    const src = (schemes: string[]) => ({ schemes, verify: () => ({ ok: true as const }), extract: () => [], topics: [] }) as never;
    expect(() => createRegistry([connector({ id: 'unsigned', ...base }).webhookSource(src([]))])).toThrow(/declares no verification scheme/);
    expect(() => createRegistry([connector({ id: 'odd', ...base }).webhookSource(src(['md5']))])).toThrow(/unknown verification scheme md5/);
    expect(() => createRegistry([connector({ id: 'fine', ...base }).webhookSource(src(['hub-sha256']))])).not.toThrow();
  });
});

describe('generic webhook connection: scheme chooses the verifier', () => {
  const body = Buffer.from(JSON.stringify({ id: 'evt_9', type: 'push' }));
  const secret = 'github-secret-0123456789';

  it('github: X-Hub-Signature-256 over the raw bytes; the id comes from the signed body, not the unsigned X-GitHub-Delivery', () => {
    const creds = { scheme: 'github' as const, signingSecret: secret };
    const headers = { 'x-hub-signature-256': signHub(githubSignature, secret, body), 'x-github-delivery': 'gh-1', 'x-github-event': 'push' };
    expect(generic.verify({ rawBody: body, headers }, creds, now)).toEqual({ ok: true });
    expect(generic.verify({ rawBody: Buffer.from(`${body} `), headers }, creds, now)).toMatchObject({ ok: false, header: 'X-Hub-Signature-256' });
    expect(generic.verify({ rawBody: body, headers: { 'x-hub-signature-256': signHub(githubSignature, 'other-secret-0123', body) } }, creds, now).ok).toBe(false);
    // The sha1 header of another scheme is no substitute.
    expect(generic.verify({ rawBody: body, headers: { 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` } }, creds, now)).toMatchObject({
      ok: false,
      reason: 'missing X-Hub-Signature-256 header',
    });
    expect(generic.extract({ rawBody: body, headers }, JSON.parse(body.toString()), creds)).toEqual([{ id: 'evt_9', topic: 'push', payload: { id: 'evt_9', type: 'push' } }]);
    // Without a body id, a hash of the signed bytes: a replay under another X-GitHub-Delivery or Idempotency-Key has the same id.
    const bare = Buffer.from(JSON.stringify({ type: 'push', ref: 'main' }));
    const ids = ['gh-1', 'gh-2'].map((delivery) => generic.extract({ rawBody: bare, headers: { ...headers, 'x-github-delivery': delivery, 'idempotency-key': delivery } }, JSON.parse(bare.toString()), creds)[0]!.id);
    expect(ids[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('intercom: X-Hub-Signature sha1', () => {
    const creds = { scheme: 'intercom' as const, signingSecret: secret };
    expect(generic.verify({ rawBody: body, headers: { 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` } }, creds, now)).toEqual({ ok: true });
    expect(generic.verify({ rawBody: body, headers: { 'x-hub-signature-256': signHub(githubSignature, secret, body) } }, creds, now).ok).toBe(false);
  });

  it('standard: what the official standardwebhooks package signs is accepted, webhook-id is the delivery id, ±300 s both ways', () => {
    const whsec = `whsec_${Buffer.from('an-inbound-standard-secret-32byt').toString('base64')}`;
    const creds = { scheme: 'standard' as const, signingSecret: whsec };
    const payload = '{"type":"invoice.paid","id":"in_1"}';
    const at = new Date();
    const ts = String(Math.floor(at.getTime() / 1000));
    const signature = new Webhook(whsec).sign('msg_abc', at, payload);
    const headers = { 'webhook-id': 'msg_abc', 'webhook-timestamp': ts, 'webhook-signature': signature };
    const request = { rawBody: Buffer.from(payload), headers };
    expect(generic.verify(request, creds, now)).toEqual({ ok: true });
    // Ours equals theirs byte for byte.
    expect(signStandardWebhook(whsec, 'msg_abc', Number(ts), payload)).toBe(signature);
    // Several space-separated signatures (sender rotating its secret): any one matching is enough.
    const rotated = { ...headers, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${signature}` };
    expect(generic.verify({ rawBody: Buffer.from(payload), headers: rotated }, creds, now)).toEqual({ ok: true });
    const late = new Date(at.getTime() + 301_000);
    const early = new Date(at.getTime() - 301_000);
    expect(generic.verify(request, creds, late)).toMatchObject({ ok: false, header: 'webhook-timestamp', reason: 'webhook-timestamp is too old' });
    expect(generic.verify(request, creds, early)).toMatchObject({ ok: false, header: 'webhook-timestamp', reason: 'webhook-timestamp is too new' });
    expect(generic.verify(request, creds, new Date(at.getTime() + 299_000)).ok).toBe(true);
    expect(generic.verify({ rawBody: Buffer.from(payload.replace('1', '2')), headers }, creds, now)).toMatchObject({ ok: false, header: 'webhook-signature' });
    expect(generic.verify({ rawBody: Buffer.from(payload), headers: { ...headers, 'webhook-id': 'msg_abd' } }, creds, now).ok).toBe(false);
    // The signed webhook-id wins over an unsigned Idempotency-Key and the body's id.
    expect(generic.extract({ rawBody: Buffer.from(payload), headers: { ...headers, 'idempotency-key': 'k' } }, JSON.parse(payload), creds)[0]).toMatchObject({ id: 'msg_abc', topic: 'invoice.paid' });
  });

  it('token (the default when scheme is absent): the path token, never a header signature', () => {
    const token = 'tok_0123456789abcdef';
    expect(generic.verify({ rawBody: body, headers: {}, pathToken: token }, { scheme: 'token', token }, now)).toEqual({ ok: true });
    expect(generic.verify({ rawBody: body, headers: { 'x-hub-signature-256': signHub(githubSignature, secret, body) } }, { token, signingSecret: secret }, now).ok).toBe(false);
  });

  it('credentials: a Standard Webhooks secret must be base64', () => {
    const schema = webhook.definition.auth.credentials;
    expect(schema.safeParse({ scheme: 'standard', signingSecret: 'not base64 at all!!' }).success).toBe(false);
    expect(schema.safeParse({ scheme: 'standard', signingSecret: `whsec_${Buffer.alloc(24, 1).toString('base64')}` }).success).toBe(true);
    expect(schema.safeParse({ scheme: 'sha512' }).success).toBe(false);
  });
});
