import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { openTestStore, storeBackends, testSecretKey } from '../support/stores';

describe.each(storeBackends)('side-effect ledger on $name', ({ url }) => {
  let store: Store;
  let storeUrl: string;
  const key = () => `run/ledger-${randomBytes(4).toString('hex')}/0123/ticket`;

  beforeAll(async () => {
    storeUrl = url();
    store = await openTestStore(storeUrl);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('records the first attempt, counts later ones, and answers the confirmed output', async () => {
    const k = key();
    expect(await store.effects.get(k)).toBeUndefined();
    await store.effects.begin(k, 'jira.createIssue', new Date('2026-11-29T10:00:00Z'));
    await store.effects.begin(k, 'jira.createIssue', new Date('2026-11-29T10:00:05Z'));
    expect(await store.effects.get(k)).toEqual({ state: 'started', startedAt: new Date('2026-11-29T10:00:00Z'), attempts: 2 });
    await store.effects.confirm(k, 'jira.createIssue', { key: 'SUP-1', reporter: 'ada@example.com' });
    expect(await store.effects.get(k)).toMatchObject({ state: 'confirmed', attempts: 2, output: { key: 'SUP-1', reporter: 'ada@example.com' } });
  });

  it('writes the attempts and outcomes of actions running at once in shared commits, each as if alone', async () => {
    const keys = Array.from({ length: 30 }, key);
    const again = keys[0]!;
    // Issued in one tick: they share a commit, where the same step key twice must count twice.
    await Promise.all([...keys.map((k) => store.effects.begin(k, 'jira.createIssue')), store.effects.begin(again, 'jira.createIssue')]);
    expect(await store.effects.get(again)).toMatchObject({ state: 'started', attempts: 2 });
    await Promise.all(keys.map((k, n) => store.effects.confirm(k, 'jira.createIssue', { key: `SUP-${n}` })));
    const entries = await Promise.all(keys.map((k) => store.effects.get(k)));
    expect(entries.map((e) => (e?.state === 'confirmed' ? e.output : e))).toEqual(keys.map((_, n) => ({ key: `SUP-${n}` })));
    expect(entries.map((e) => e?.attempts)).toEqual(keys.map((k) => (k === again ? 2 : 1)));
  });

  it('keeps no step key and no plaintext output at rest: a hashed id, the output sealed to its row', async () => {
    const k = key();
    await store.effects.confirm(k, 'slack.postMessage', { text: 'canary-7f3a' });
    const rows = await sql<Record<string, unknown>>`select * from effect_ledger`.execute(store.db);
    const dump = JSON.stringify(rows.rows);
    expect(dump).not.toContain('canary-7f3a');
    expect(dump).not.toContain(k);
    expect(dump).toMatch(/"fx_[0-9a-f]{64}"/);
  });

  it('forgets an attempt the vendor refused, never a confirmed effect', async () => {
    const refused = key();
    await store.effects.begin(refused, 'slack.postMessage');
    await store.effects.forget(refused);
    expect(await store.effects.get(refused)).toBeUndefined();
    const done = key();
    await store.effects.confirm(done, 'slack.postMessage', { ts: '1.2' });
    await store.effects.forget(done);
    expect(await store.effects.get(done)).toMatchObject({ state: 'confirmed', output: { ts: '1.2' } });
  });

  it('reseals confirmed outputs under a new key, and prunes rows past retention', async () => {
    const k = key();
    await store.effects.confirm(k, 'google-sheets.appendRow', { updatedRange: 'Closed!A2:C2' }, new Date());
    const rotated = await openTestStore(storeUrl, [randomBytes(32), testSecretKey]);
    try {
      const report = await rotated.effects.resealAll();
      expect(report.unreadable).toEqual([]);
      expect(report.resealed).toBeGreaterThanOrEqual(1);
      expect(await rotated.effects.get(k)).toMatchObject({ output: { updatedRange: 'Closed!A2:C2' } });
      const old = key();
      await rotated.effects.begin(old, 'jira.createIssue', new Date('2020-01-01T00:00:00Z'));
      expect(await rotated.effects.prune()).toBeGreaterThanOrEqual(1);
      expect(await rotated.effects.get(old)).toBeUndefined();
      expect(await rotated.effects.get(k)).toBeDefined();
    } finally {
      await rotated.close();
    }
  });
});
