import type { SecretBox } from './secret-box';

type Sealed = Parameters<SecretBox['open']>[0];

/** Secrets remembered; past it the least recently opened is forgotten (and decrypted again when next read). */
const defaultCapacity = 10_000;

/**
 * Decrypted secrets remembered per owner (its AAD, plus a slot when it has several) for as long as
 * the stored ciphertext is the same one. Callers read the row every time, so a secret changed by
 * any process (a new ciphertext: sealing draws a fresh IV) is decrypted anew on its next read: no
 * time-to-live, nothing to invalidate.
 */
export class OpenedSecrets {
  private readonly opened = new Map<string, { keyId: string; ciphertext: string; plaintext: string }>();

  constructor(
    private readonly secrets: SecretBox,
    private readonly capacity = defaultCapacity,
  ) {}

  open(sealed: Sealed, context: string, slot = ''): string {
    const key = `${slot}\n${context}`;
    const known = this.opened.get(key);
    this.opened.delete(key);
    if (known && known.ciphertext === sealed.ciphertext && known.keyId === sealed.keyId) {
      this.opened.set(key, known);
      return known.plaintext;
    }
    const plaintext = this.secrets.open(sealed, context);
    this.opened.set(key, { keyId: sealed.keyId, ciphertext: sealed.ciphertext, plaintext });
    if (this.opened.size > this.capacity) this.opened.delete(this.opened.keys().next().value as string);
    return plaintext;
  }
}
