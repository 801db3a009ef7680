import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { requireBinary, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../../src/temporal/cli-resolver';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string;
    temporalTestServerPath: string;
    /** A throw-away PostgreSQL database for this test run. */
    postgresUrl: string;
  }
}

const adminUrl = process.env.SWITCHYARD_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let server: DevServer | undefined;
let databaseName: string | undefined;

/** One real Temporal dev server (in memory, free ports, headless) and one fresh PostgreSQL database per test run. */
export async function setup(project: TestProject) {
  const cliPath = requireBinary(TEMPORAL_CLI);
  const testServerPath = requireBinary(TEMPORAL_TEST_SERVER);
  databaseName = `switchyard_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${databaseName}`);
  server = await startDevServer({ cliPath, port: await freePort() });
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  project.provide('temporalAddress', server.address);
  project.provide('temporalCliPath', cliPath);
  project.provide('temporalTestServerPath', testServerPath);
  project.provide('postgresUrl', url.toString());
}

export async function teardown() {
  await server?.stop();
  if (databaseName) await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
