import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { expect, it } from 'vitest';
import { createSecretBox } from '../../src/security/secret-box';
import { openStore } from '../../src/store/store';

// test/support/unit-setup.ts: the unit tier cannot reach Temporal or PostgreSQL, even through the engine's own code.
it('refuses Temporal and PostgreSQL connections in the unit tier, naming the fix', async () => {
  const temporal = /unit tests run without a Temporal server: move this test to test\/integration\//;
  const postgres = /unit tests run without PostgreSQL: move this test to test\/integration\//;
  await expect((async () => Connection.connect({ address: '127.0.0.1:7233' }))()).rejects.toThrow(temporal);
  await expect((async () => NativeConnection.connect({ address: '127.0.0.1:7233' }))()).rejects.toThrow(temporal);
  await expect((async () => new pg.Client({}).connect())()).rejects.toThrow(postgres);
  await expect(openStore('postgres://switchyard@127.0.0.1:5432/switchyard', createSecretBox([randomBytes(32)]))).rejects.toThrow(postgres);
});
