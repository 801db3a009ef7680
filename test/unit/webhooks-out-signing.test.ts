import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { notificationBody } from '../../src/webhooks-out/payload';
import { intercomSignature, signHub, verifyHubSignature } from '../../connectors/sdk/signatures/hub-signature';
import { verifyStandardWebhook } from '../../connectors/sdk/signatures/standard-webhooks';
import { generateSecret, signatureHeaders } from '../../src/webhooks-out/signing';

/** Intercom's receiver-side check, written the way their docs describe it (hex HMAC-SHA1 of the raw body, constant time). */
function intercomVerifies(secret: string, body: Buffer, header: string): boolean {
  if (!header.startsWith('sha1=')) return false;
  const given = Buffer.from(header.slice(5), 'hex');
  const expected = createHmac('sha1', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function randomPayload(i: number): Buffer {
  const item = { id: randomBytes(6).toString('hex'), n: i, text: randomBytes(randomInt(0, 200)).toString('base64'), unicode: 'é\u00e9 ü 🚀', nested: { list: [i, null, true] } };
  const iso = new Date(Date.now() - randomInt(0, 1e9)).toISOString();
  return notificationBody({ id: `msg_${randomBytes(16).toString('hex')}`, topic: 'conversation.user.created', createdAt: iso, firstSentAt: iso, attempt: 1 + (i % 8), item });
}

function flipOneByte(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = randomInt(0, copy.length);
  copy[at] = copy[at]! ^ (1 << randomInt(0, 7));
  return copy;
}

describe('outgoing webhook signatures', () => {
  it('10,000 random deliveries verify with the official standardwebhooks library and with Intercom\'s sha1 scheme; one flipped byte fails both', () => {
    const secret = generateSecret();
    const receiver = new Webhook(secret);
    let verified = 0;
    let tamperedAccepted = 0;
    for (let i = 0; i < 10_000; i++) {
      const body = randomPayload(i);
      const messageId = JSON.parse(body.toString()).id as string;
      const headers = signatureHeaders({ current: secret }, messageId, Math.floor(Date.now() / 1000), body);
      receiver.verify(body, headers);
      expect(intercomVerifies(secret, body, headers['x-hub-signature']!)).toBe(true);
      verified++;
      const tampered = flipOneByte(body);
      let swAccepted = true;
      try {
        receiver.verify(tampered, headers);
      } catch {
        swAccepted = false;
      }
      if (swAccepted || intercomVerifies(secret, tampered, headers['x-hub-signature']!)) tamperedAccepted++;
    }
    expect(verified).toBe(10_000);
    expect(tamperedAccepted).toBe(0);
  });

  it('a receiver holding another secret rejects both signatures', () => {
    const body = randomPayload(1);
    const headers = signatureHeaders({ current: generateSecret() }, 'msg_1', Math.floor(Date.now() / 1000), body);
    const other = generateSecret();
    expect(() => new Webhook(other).verify(body, headers)).toThrow(/No matching signature/);
    expect(intercomVerifies(other, body, headers['x-hub-signature']!)).toBe(false);
  });

  it('during rotation the Standard Webhooks header carries two v1 signatures; old-only and new-only receivers both verify', () => {
    const previous = generateSecret();
    const current = generateSecret();
    const body = randomPayload(2);
    const headers = signatureHeaders({ current, previous }, 'msg_rot', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']!.split(' ').every((s) => s.startsWith('v1,'))).toBe(true);
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    const after = signatureHeaders({ current }, 'msg_rot', Math.floor(Date.now() / 1000), body);
    expect(after['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(previous).verify(body, after)).toThrow();
  });

  it('headers: webhook-id is the message id and neither id nor timestamp contains "."', () => {
    const body = randomPayload(3);
    const headers = signatureHeaders({ current: generateSecret() }, 'msg_abc', 1_700_000_000, body);
    expect(headers['webhook-id']).toBe('msg_abc');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(() => signatureHeaders({ current: generateSecret() }, 'msg.abc', 1, body)).toThrow(/must not contain/);
  });

  it('HMAC-SHA1 known answer (RFC 2202 case 2)', () => {
    expect(signHub(intercomSignature, 'Jefe', Buffer.from('what do ya want for nothing?'))).toBe('sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
  });

  it('secrets are whsec_ + base64 of 32 random bytes', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
  });

  it('the body has the notification_event shape', () => {
    const body = JSON.parse(
      notificationBody({ id: 'msg_1', topic: 'run.failed', createdAt: '2026-01-01T00:00:00.000Z', firstSentAt: '2026-01-01T00:00:05.000Z', attempt: 3, item: { a: 1 } }).toString(),
    );
    expect(body).toEqual({ type: 'notification_event', id: 'msg_1', topic: 'run.failed', created_at: 1767225600, delivery_attempts: 3, first_sent_at: 1767225605, data: { item: { a: 1 } } });
  });
});

describe('one signing module, both directions, against the standardwebhooks package', () => {
  const now = new Date();
  const seconds = Math.floor(now.getTime() / 1000);

  it('what the package signs, our inbound verifier accepts (with the whsec_ prefix, without it, and among rotated secrets); a flipped byte is refused', () => {
    for (let i = 0; i < 200; i++) {
      const secret = generateSecret();
      const body = randomPayload(i);
      const id = `msg_${i}`;
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': new Webhook(secret).sign(id, now, body.toString()) };
      expect(verifyStandardWebhook({ rawBody: body, headers }, secret, now)).toEqual({ ok: true });
      expect(verifyStandardWebhook({ rawBody: body, headers }, secret.slice('whsec_'.length), now)).toEqual({ ok: true });
      expect(verifyStandardWebhook({ rawBody: body, headers }, [generateSecret(), secret], now)).toEqual({ ok: true });
      expect(verifyStandardWebhook({ rawBody: flipOneByte(body), headers }, secret, now)).toMatchObject({ ok: false, header: 'webhook-signature' });
    }
  });

  it('what we sign, the package verifies, whether or not the secret carries the whsec_ prefix (the two sides read secrets the same way)', () => {
    const prefixed = generateSecret();
    const bare = prefixed.slice('whsec_'.length);
    const body = randomPayload(7);
    const withPrefix = signatureHeaders({ current: prefixed }, 'msg_p', seconds, body);
    const withoutPrefix = signatureHeaders({ current: bare }, 'msg_p', seconds, body);
    expect(withoutPrefix['webhook-signature']).toBe(withPrefix['webhook-signature']);
    expect(() => new Webhook(prefixed).verify(body, withoutPrefix)).not.toThrow();
    expect(() => new Webhook(bare).verify(body, withPrefix)).not.toThrow();
  });

  it('our outgoing X-Hub-Signature passes our own inbound Intercom verifier, keyed with the secret as the receiver holds it', () => {
    const secret = generateSecret();
    const body = randomPayload(8);
    const headers = signatureHeaders({ current: secret }, 'msg_h', seconds, body);
    expect(verifyHubSignature(intercomSignature, { rawBody: body, headers }, secret)).toEqual({ ok: true });
    expect(verifyHubSignature(intercomSignature, { rawBody: flipOneByte(body), headers }, secret)).toMatchObject({ ok: false });
  });
});
