import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two byte strings; different lengths are rejected before comparing (timingSafeEqual would throw). */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Decodes lower/upper-case hex; undefined when it is not exactly hex of the expected byte length. */
export function hexBytes(s: string, expectedBytes: number): Buffer | undefined {
  if (s.length !== expectedBytes * 2 || !/^[0-9a-fA-F]+$/.test(s)) return undefined;
  return Buffer.from(s, 'hex');
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(v) ? v[0] : v;
}

/** Compares SHA-256 digests, so the comparison is constant time and independent of the secret's length. */
export function tokenMatches(given: string, expected: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return constantTimeEqual(h(given), h(expected));
}
