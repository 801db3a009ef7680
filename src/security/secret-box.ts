import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { randomBytesPooled } from './random-pool';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Sealed secret: AES-256-GCM, with the key id stored beside the ciphertext so keys can rotate. */
interface Sealed {
  keyId: string;
  /** base64(iv ‖ tag ‖ ciphertext) */
  ciphertext: string;
}

export interface SecretBox {
  readonly currentKeyId: string;
  /** `context` is authenticated data that binds the ciphertext to its owner (e.g. a connection id). */
  seal(plaintext: string, context: string): Sealed;
  open(sealed: Sealed, context: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** `keys[0]` encrypts; every key decrypts what it sealed (rotation). */
export function createSecretBox(keys: Buffer[]): SecretBox {
  if (keys.length === 0) throw new Error('createSecretBox needs at least one key');
  for (const key of keys) if (key.length !== 32) throw new Error('secret keys must be 32 bytes');
  const byId = new Map(keys.map((k) => [keyIdOf(k), k]));
  const current = keys[0]!;
  const currentKeyId = keyIdOf(current);
  return {
    currentKeyId,
    seal(plaintext, context) {
      const iv = randomBytesPooled(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId: currentKeyId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
    },
    open(sealed, context) {
      const key = byId.get(sealed.keyId);
      if (!key) throw new Error(`no secret key with id ${sealed.keyId} is configured`);
      const raw = Buffer.from(sealed.ciphertext, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key from SWITCHYARD_SECRET_KEY, or (embedded mode only) one generated into
 * `<dataDir>/secret.key` with mode 0600 on first start.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
