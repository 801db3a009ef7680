import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/security/secret-box';
import { openStore, type Store } from '../../src/store/store';

export const testSecretKey = randomBytes(32);

/** A fresh SQLite file and the run's PostgreSQL database: every store test runs on both. */
export const storeBackends = [
  { name: 'sqlite', url: () => `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-')), 'store.db')}` },
  { name: 'postgres', url: () => inject('postgresUrl') },
] as const;

export function openTestStore(url: string, keys: Buffer[] = [testSecretKey]): Promise<Store> {
  return openStore(url, createSecretBox(keys));
}
