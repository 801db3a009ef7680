import { inject } from 'vitest';
import { createDatabase, type ThrowawayDatabase } from '../support/postgres-database';

/** An empty database of its own (for tests that must start from nothing); `drop` removes it. */
export function freshPostgresDatabase(prefix: string): Promise<ThrowawayDatabase> {
  return createDatabase(inject('postgresUrl'), prefix);
}
