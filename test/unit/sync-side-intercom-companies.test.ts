import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { intercomCompanySide } from '../../activities/sync-sides/intercom-companies';
import { intercom } from '../../connectors/intercom';
import { fakeContext } from '../../connectors/sdk/fake-context';
import { IntercomFake } from '../../sandbox/intercom-fake';
import type { SyncSidePlan } from '../../workflows/sync-plan';

/** The Intercom company side against the fake, for what the engine test does not reach: a feed of many pages, ties and edits mid-scan. */
describe('Intercom company sync side', () => {
  const fake = new IntercomFake();
  const side: SyncSidePlan = { connection: 'intercom-main', connector: 'intercom', object: 'company', filter: {} };
  const ctx = () => fakeContext({ connector: intercom.definition, credentials: { accessToken: 'intercom-token' }, baseUrl: fake.url });
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.companies.length = 0;
    fake.scrollPageSize = 50;
  });
  const seed = (n: number, at: number, users = () => 1) => {
    for (let i = 0; i < n; i++) fake.companies.push({ type: 'company', id: `co${String(i).padStart(3, '0')}`, company_id: `own-${i}`, name: `Co ${i}`, created_at: at, updated_at: at, user_count: users(), custom_attributes: {} });
  };
  /** Every page of the feed from `cursor` until it has no more: the ids read and where it ends. */
  const drain = async (cursor: string, pageSize: number) => {
    const ids: string[] = [];
    let calls = 0;
    for (;;) {
      const page = await intercomCompanySide.readChanges(ctx(), side, ['name'], cursor, pageSize);
      ids.push(...page.records.map((r) => r.id));
      cursor = page.cursor;
      calls++;
      if (!page.more) return { ids, cursor, calls };
    }
  };

  it('reads every company once from the start, a page bound at a time, across one second shared by all; an edit mid-scan comes in the next scan; then nothing', async () => {
    const at = 1_796_000_000;
    seed(130, at);
    fake.clock = () => at;
    const seen: string[] = [];
    let cursor = intercomCompanySide.startCursor();
    const calls: boolean[] = [];
    for (;;) {
      const page = await intercomCompanySide.readChanges(ctx(), side, ['name'], cursor, 60);
      seen.push(...page.records.map((r) => r.id));
      cursor = page.cursor;
      calls.push(page.more);
      if (calls.length === 1) fake.edit('co129', { name: 'Edited mid-scan' });
      if (!page.more) break;
    }
    // The edit moved co129 to the top (same second): pages shifted, nothing skipped; co129 read again with its edit.
    expect(new Set(seen).size).toBe(130);
    fake.clock = () => at + 1;
    fake.edit('co005', { name: 'Edited later' });
    const next = await intercomCompanySide.readChanges(ctx(), side, ['name'], cursor, 60);
    expect(next.records.map((r) => [r.id, r.data.name])).toEqual([['co005', 'Edited later']]);
    expect((await intercomCompanySide.readChanges(ctx(), side, ['name'], next.cursor, 60)).records).toEqual([]);
  });

  it('reads every company through the scroll, those without contacts and beyond the 10,000 POST /companies/list stops at, one scroll page after another', async () => {
    const at = 1_796_000_000;
    fake.clock = () => at;
    fake.scrollPageSize = 250;
    seed(10_050, at, () => 0);
    const { ids, cursor, calls } = await drain(intercomCompanySide.startCursor(), 5_000);
    expect(ids.length).toBe(10_050);
    expect(new Set(ids).size).toBe(10_050);
    expect(calls).toBe(3);
    expect(fake.received('POST', '/companies/list')).toEqual([]);
    // 41 pages of data and the empty page that ends the scroll, one scroll_param continued across the calls.
    const scrolls = fake.received('GET', '/companies/scroll');
    expect(scrolls.length).toBe(42);
    expect(scrolls.filter((r) => !r.query.has('scroll_param')).length).toBe(1);
    // Caught up: the next scan reads the scroll again and delivers nothing.
    expect((await drain(cursor, 5_000)).ids).toEqual([]);
  });

  it('a scan cut at its bound continues its scroll; a company edited after the scroll passed it comes in the next scan, however much later the newest change it read', async () => {
    const now = Math.floor(Date.now() / 1000);
    fake.clock = () => now - 1_000;
    seed(120, now - 1_000, () => 0);
    const first = await intercomCompanySide.readChanges(ctx(), side, ['name'], intercomCompanySide.startCursor(), 50);
    expect(first).toMatchObject({ more: true });
    expect(first.records.map((r) => r.id)).toEqual(fake.companies.slice(0, 50).map((c) => c.id));
    fake.clock = () => now;
    fake.edit('co000', { name: 'Edited after the scroll passed it' });
    // A long scan: a company the scroll has not reached yet is edited minutes later.
    fake.clock = () => now + 300;
    fake.edit('co119', { name: 'Edited before the scroll reached it' });
    const rest = await drain(first.cursor, 50);
    expect(rest.ids).toEqual(fake.companies.slice(50).map((c) => c.id));
    expect(fake.received('GET', '/companies/scroll').filter((r) => !r.query.has('scroll_param')).length).toBe(1);
    expect((await drain(rest.cursor, 50)).ids).toEqual(['co000']);
  });

  it('a scroll_param that expired between two calls of a cut scan starts a new scroll: nothing missed, nothing delivered twice', async () => {
    const at = 1_796_000_000;
    fake.clock = () => at;
    seed(120, at, () => 0);
    const first = await intercomCompanySide.readChanges(ctx(), side, ['name'], intercomCompanySide.startCursor(), 50);
    fake.expireScroll();
    const rest = await drain(first.cursor, 50);
    expect([...first.records.map((r) => r.id), ...rest.ids]).toEqual(fake.companies.map((c) => c.id));
    expect(fake.received('GET', '/companies/scroll').filter((r) => !r.query.has('scroll_param')).length).toBe(2);
    expect((await drain(rest.cursor, 50)).ids).toEqual([]);
  });

  it('another open scroll is a rate-limited failure that waits the minute it takes to expire', async () => {
    seed(3, 1_796_000_000);
    expect((await fetch(`${fake.url}/companies/scroll`, { headers: { authorization: 'Bearer intercom-token', accept: 'application/json' } })).status).toBe(200);
    await expect(intercomCompanySide.readChanges(ctx(), side, ['name'], intercomCompanySide.startCursor(), 50)).rejects.toMatchObject({ kind: 'rate_limited', code: 'scroll_in_progress', retryAfterMs: 60_000 });
  });

  it('fetch leaves out companies that are gone; findBy looks up by company_id or name and refuses other paths', async () => {
    seed(2, 1_796_000_000);
    expect((await intercomCompanySide.fetch(ctx(), side, ['name'], ['co001', 'nope'])).map((r) => r.id)).toEqual(['co001']);
    expect((await intercomCompanySide.findBy(ctx(), side, ['name'], 'company_id', ['own-0', 'missing'])).map((r) => r.id)).toEqual(['co000']);
    expect((await intercomCompanySide.findBy(ctx(), side, ['name'], 'name', ['Co 1'])).map((r) => r.id)).toEqual(['co001']);
    await expect(intercomCompanySide.findBy(ctx(), side, ['name'], 'website', ['x'])).rejects.toThrow(/company_id or name only/);
  });
});
