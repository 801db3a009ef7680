import { createHash } from 'node:crypto';

/**
 * A vendor-safe dedupe id for a step's idempotency key (`<workflow id>/<step id>`, too long and
 * full of slashes for most vendors): 32 lower-case hex characters, the same on every retry.
 * Mixpanel's `$insert_id` allows at most 36 alphanumeric or `-` characters; Amplitude's
 * `insert_id` takes any string.
 */
export function dedupeIdFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
}
