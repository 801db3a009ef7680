import { createHash } from 'node:crypto';

/**
 * Workflow id of the run one event starts for one recipe: `run/<recipeId>/<hash>`, where the
 * hash covers the source and the sender's event id. Stable, so a redelivered event finds the
 * existing run instead of starting a second one; hashed, so no PII lands in ids.
 */
export function runWorkflowId(recipeId: string, source: string, eventId: string): string {
  const hash = createHash('sha256').update(`${source}\u0000${eventId}`).digest('hex').slice(0, 32);
  return `run/${recipeId}/${hash}`;
}
