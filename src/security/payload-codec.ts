import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import path from 'node:path';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { randomBytesPooled } from './random-pool';
import { keyIdOf } from './secret-box';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

/** The failure converter that moves messages and stack traces into (encrypted) payloads. */
export const failureConverterPath = path.resolve(__dirname, 'encoded-failure-converter.js');

const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds every ciphertext to its purpose: a sealed credential can never pass as a payload.
const AAD = Buffer.from('switchyard/temporal-payload/v1', 'utf8');

/** A codec key per secret key (HKDF-SHA256), so payloads and stored credentials never share a key. */
export function deriveCodecKeys(secretKeys: Buffer[]): Buffer[] {
  return secretKeys.map((key) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'switchyard/payload-codec/v1', 32)));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What `decode` does with a payload this codec did not encrypt. */
export type PlaintextPolicy = 'refuse' | 'passThrough';

/**
 * AES-256-GCM over the whole serialized payload (metadata included), with the key id in the
 * outer metadata so several keys can decode during rotation; `keys[0]` encodes.
 *
 * By default a plaintext payload is refused: GCM authenticates what we encrypted, so refusing the
 * rest means only a holder of the secret key can start, signal or feed a run — reaching Temporal's
 * port is not enough to run a forged plan. Only the codec endpoint, which merely shows payloads to
 * a person, passes plaintext through.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  constructor(
    keys: Buffer[],
    private readonly plaintext: PlaintextPolicy = 'refuse',
  ) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    for (const key of keys) if (key.length !== 32) throw new Error('payload codec keys must be 32 bytes');
    this.byId = new Map(keys.map((k) => [keyIdOf(k), k]));
    this.current = { id: keyIdOf(keys[0]!), key: keys[0]! };
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytesPooled(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(this.current.id) },
        data: new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body])),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) {
        if (this.plaintext === 'passThrough') return payload;
        throw new UnencryptedPayloadError(encoding ? decoder.decode(encoding) : undefined);
      }
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      if (!idBytes) throw new Error(`encrypted payload without ${KEY_ID_METADATA} metadata`);
      const keyId = decoder.decode(idBytes);
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`no payload key with id ${keyId} is configured (add the retired SWITCHYARD_SECRET_KEY to SWITCHYARD_SECRET_KEYS_PREVIOUS)`);
      const raw = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** A payload that did not come through this engine's codec (e.g. a run started with a bare Temporal client). */
class UnencryptedPayloadError extends Error {
  override name = 'UnencryptedPayloadError';
  constructor(encoding: string | undefined) {
    super(
      `refused a payload not encrypted by Switchyard's codec (encoding ${encoding ?? 'none'}): runs are started and signalled through ` +
        'Switchyard (its API, CLI or a client built with its data converter), never with a bare Temporal client',
    );
  }
}

/**
 * The data converter every client and worker uses: payloads encrypted by the codec, failure
 * messages and stack traces encoded (then encrypted) too. `secretKeys` is the key ring
 * (`loadKeyRing`), current key first. Pass `failureConverterPath` to `bundleWorkflowCode` as well.
 */
export function payloadDataConverter(secretKeys: Buffer[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(deriveCodecKeys(secretKeys))], failureConverterPath };
}
