import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The maintenance database of the test run's PostgreSQL server, with the same credentials. */
function adminUrl(): string {
  const url = new URL(inject('postgresUrl'));
  url.pathname = '/postgres';
  return url.toString();
}

/** Runs one statement in the maintenance database (as the test run's superuser). */
export async function adminQuery(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** An empty database of its own (for tests that must start from nothing); `drop` removes it. */
export async function freshPostgresDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
