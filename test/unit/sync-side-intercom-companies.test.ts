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
  });
  const seed = (n: number, at: number) => {
    for (let i = 0; i < n; i++) fake.companies.push({ type: 'company', id: `co${String(i).padStart(3, '0')}`, company_id: `own-${i}`, name: `Co ${i}`, created_at: at, updated_at: at, user_count: 1, custom_attributes: {} });
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

  it('fetch leaves out companies that are gone; findBy looks up by company_id or name and refuses other paths', async () => {
    seed(2, 1_796_000_000);
    expect((await intercomCompanySide.fetch(ctx(), side, ['name'], ['co001', 'nope'])).map((r) => r.id)).toEqual(['co001']);
    expect((await intercomCompanySide.findBy(ctx(), side, ['name'], 'company_id', ['own-0', 'missing'])).map((r) => r.id)).toEqual(['co000']);
    expect((await intercomCompanySide.findBy(ctx(), side, ['name'], 'name', ['Co 1'])).map((r) => r.id)).toEqual(['co001']);
    await expect(intercomCompanySide.findBy(ctx(), side, ['name'], 'website', ['x'])).rejects.toThrow(/company_id or name only/);
  });
});
