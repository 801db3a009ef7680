import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateStore } from '../../src/store/store';
import { Cluster } from '../support/cluster';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * Issue #12: the per-hook-URL limit (`SWITCHYARD_HOOKS_RATE_LIMIT`) holds across API processes on
 * one PostgreSQL store, as the per-token limit does (many-processes.test.ts): its counters live in
 * the store's `api_rate_limits` table, apart from the tokens'. Before, each process counted its own,
 * so two processes let twice the limit through.
 */
const limit = 6;

describe('the per-hook-URL rate limit across 2 API processes', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let cluster: Cluster;

  beforeAll(async () => {
    database = await freshPostgresDatabase('switchyard_hooklimit');
    await migrateStore(database.url);
    cluster = await Cluster.start({ temporalAddress: inject('temporalAddress'), databaseUrl: database.url, apis: 2, workers: 0, env: { SWITCHYARD_HOOKS_RATE_LIMIT: String(limit) } });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
  }, 60_000);

  it(`lets ${limit} deliveries per minute through to one hook URL, whichever process they reach`, async () => {
    const [a, b] = cluster.apis.map((p) => p.url) as [string, string];
    // An unknown connection is limited like a known one (401 below the limit): no setup needed.
    const hook = `nope-${randomUUID().slice(0, 8)}`;
    const post = (url: string) => fetch(`${url}/hooks/${hook}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const statuses: number[] = [];
    for (let i = 0; i < limit; i++) statuses.push((await post(i % 2 === 0 ? a : b)).status);
    expect(statuses).toEqual(Array.from({ length: limit }, () => 401));
    const over = await Promise.all([a, b].map(post));
    expect(over.map((r) => r.status)).toEqual([429, 429]);
    expect(Number(over[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another hook URL has its own quota; an API token's quota is apart from the hooks'.
    expect((await fetch(`${a}/hooks/other-${randomUUID().slice(0, 8)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await fetch(`${b}/api/v1/recipes`, { headers: { authorization: `Bearer ${cluster.admin}` } })).status).toBe(200);
  }, 60_000);
});
