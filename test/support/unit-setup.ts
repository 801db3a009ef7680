import type * as TemporalClient from '@temporalio/client';
import type * as TemporalWorker from '@temporalio/worker';
import type * as Pg from 'pg';
import { vi } from 'vitest';

// The unit project runs without the global setup: no Temporal server, no PostgreSQL database. A
// unit test that reaches for either fails at once, naming the fix, instead of finding whatever
// listens on localhost:7233 or 5432 (a developer's `npm start`). The modules are patched only
// when something imports them, so the guard costs nothing to the tests that do not.
const refuse = (what: string) => () => {
  throw new Error(`unit tests run without ${what}: move this test to test/integration/ (it needs the global setup)`);
};

vi.mock('@temporalio/client', async (importOriginal) => {
  const client = await importOriginal<typeof TemporalClient>();
  client.Connection.connect = refuse('a Temporal server');
  client.Connection.lazy = refuse('a Temporal server');
  return client;
});

vi.mock('@temporalio/worker', async (importOriginal) => {
  const worker = await importOriginal<typeof TemporalWorker>();
  worker.NativeConnection.connect = refuse('a Temporal server');
  return worker;
});

vi.mock('pg', async (importOriginal) => {
  const pg = await importOriginal<{ default: typeof Pg }>();
  pg.default.Client.prototype.connect = refuse('PostgreSQL');
  pg.default.Pool.prototype.connect = refuse('PostgreSQL');
  return pg;
});
