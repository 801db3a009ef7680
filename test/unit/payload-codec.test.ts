import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, deriveCodecKeys, ENCRYPTED_ENCODING, KEY_ID_METADATA, payloadDataConverter } from '../../src/security/payload-codec';
import { keyIdOf } from '../../src/security/secret-box';

const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());

describe('AES-256-GCM payload codec', () => {
  const [key] = deriveCodecKeys([randomBytes(32)]);
  const codec = new AesGcmPayloadCodec([key!]);
  const payload = defaultPayloadConverter.toPayload({ email: 'canary@example.com', token: 'canary-token' });

  it('round-trips, hides the plaintext and names the key', async () => {
    const [encoded] = await codec.encode([payload]);
    expect(text(encoded!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded!.metadata![KEY_ID_METADATA])).toBe(keyIdOf(key!));
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('canary');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ email: 'canary@example.com', token: 'canary-token' });
  });

  it('rejects every single-bit flip of nonce, tag or ciphertext', async () => {
    const [encoded] = await codec.encode([payload]);
    const bits = encoded!.data!.length * 8;
    let rejected = 0;
    for (let bit = 0; bit < bits; bit++) {
      const data = new Uint8Array(encoded!.data!);
      data[bit >> 3]! ^= 1 << (bit & 7);
      await codec.decode([{ ...encoded!, data }]).then(
        () => undefined,
        () => rejected++,
      );
    }
    expect(rejected).toBe(bits);
  });

  it('uses a fresh nonce each time', async () => {
    const encoded = await codec.encode(Array.from({ length: 10_000 }, () => payload));
    const nonces = new Set(encoded.map((p) => Buffer.from(p.data!.subarray(0, 12)).toString('hex')));
    expect(nonces.size).toBe(10_000);
  });

  it('decodes with a retired key during rotation, and names an unknown key', async () => {
    const [oldKey, newKey] = deriveCodecKeys([randomBytes(32), randomBytes(32)]);
    const [sealedOld] = await new AesGcmPayloadCodec([oldKey!]).encode([payload]);
    const rotated = new AesGcmPayloadCodec([newKey!, oldKey!]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([sealedOld!]))[0]!)).toMatchObject({ token: 'canary-token' });
    expect(text((await rotated.encode([payload]))[0]!.metadata![KEY_ID_METADATA])).toBe(keyIdOf(newKey!));
    await expect(new AesGcmPayloadCodec([newKey!]).decode([sealedOld!])).rejects.toThrow(`no payload key with id ${keyIdOf(oldKey!)}`);
  });

  it('refuses plaintext payloads: only a holder of the key can feed a run', async () => {
    const plain: Payload = defaultPayloadConverter.toPayload({ forged: 'plan' });
    await expect(codec.decode([plain])).rejects.toThrow("refused a payload not encrypted by Switchyard's codec (encoding json/plain)");
    await expect(codec.decode([{ data: new Uint8Array([1]) }])).rejects.toThrow('(encoding none)');
  });

  it('passes plaintext through only when asked (the codec endpoint, which only shows payloads)', async () => {
    const plain: Payload = defaultPayloadConverter.toPayload('shown as is');
    expect(await new AesGcmPayloadCodec([key!], 'passThrough').decode([plain])).toEqual([plain]);
  });

  it('derives a payload key distinct from the secret key', () => {
    const secret = randomBytes(32);
    const [derived] = deriveCodecKeys([secret]);
    expect(derived!.equals(secret)).toBe(false);
    expect(deriveCodecKeys([secret])[0]!.equals(derived!)).toBe(true);
    expect(payloadDataConverter([secret]).failureConverterPath).toMatch(/encoded-failure-converter\.js$/);
  });
});
