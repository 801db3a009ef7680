import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_PREFIX = 'sy_';
/** How much of a token is kept for display ("sy_4fK9…"): enough to recognise, too little to guess. */
const DISPLAY_CHARS = TOKEN_PREFIX.length + 6;

/** A new secret: `sy_` + 32 random bytes in base64url (256 bits). */
export function generateTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are high-entropy, so a plain SHA-256 (no salt, no KDF) is the right at-rest form. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function displayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_CHARS);
}

/** Constant-time equality of two hex digests. */
export function sameHash(a: string | null | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
