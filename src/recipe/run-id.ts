import { createHash } from 'node:crypto';

/** Hash of where an event came from and the sender's id for it: no PII in workflow ids or dedupe rows. */
export function eventHash(source: string, eventId: string): string {
  return createHash('sha256').update(`${source}\u0000${eventId}`).digest('hex').slice(0, 32);
}

/**
 * Workflow id of the run one event starts for one recipe: `run/<recipeId>/<hash>`. Stable, so a
 * redelivered event finds the existing run instead of starting a second one; hashed, so no PII
 * lands in ids.
 */
export function runWorkflowId(recipeId: string, source: string, eventId: string): string {
  return `run/${recipeId}/${eventHash(source, eventId)}`;
}
