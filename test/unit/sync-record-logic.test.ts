import { describe, expect, it } from 'vitest';
import { compileSync } from '../../src/recipe/sync-compile';
import { createFields, decideLinked, matchCounterpart, passesFilter, type SyncRecord } from '../../src/sync/record-logic';
import type { SyncPlan } from '../../workflows/sync-plan';

function planWith(overrides: Record<string, unknown> = {}): SyncPlan {
  const r = compileSync(
    {
      id: 'contacts',
      kind: 'sync',
      left: { connection: 'intercom-main', object: 'contact', filter: { role: 'user' } },
      right: { connection: 'salesforce-main', object: 'Contact' },
      match: [{ left: 'email', right: 'Email' }],
      fields: [
        { left: 'name', right: ['FirstName', 'LastName'], transform: 'splitName' },
        { left: 'custom_attributes.plan_type', right: 'Subscription_Tier__c', transform: 'map', values: { free: 'Free', pro: 'Pro' } },
        { left: 'phone', right: 'Phone', direction: 'rightToLeft' },
      ],
      create: { right: true },
      ...overrides,
    },
    { connections: new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]) },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
}

const t = (minute: number) => Date.UTC(2026, 10, 29, 14, minute);
const ic = (data: Record<string, unknown>, minute = 0, id = 'ic-1'): SyncRecord => ({ id, modifiedAt: t(minute), data: { role: 'user', email: 'ada@example.com', name: 'Ada Lovelace', phone: null, custom_attributes: { plan_type: 'pro' }, ...data } });
const sf = (data: Record<string, unknown>, minute = 0, id = '003A'): SyncRecord => ({ id, modifiedAt: t(minute), data: { Email: 'Ada@Example.com', FirstName: 'Ada', LastName: 'Lovelace', Subscription_Tier__c: 'Pro', Phone: null, ...data } });

describe('sync per-record logic', () => {
  const plan = planWith();

  it('a first sync of records that already agree writes nothing and records the link', () => {
    const d = decideLinked(plan, undefined, ic({}), sf({}));
    expect(d.writes).toEqual({});
    expect(d.events).toEqual([]);
    expect(d.link).toMatchObject({ leftId: 'ic-1', rightId: '003A', state: { 'fields[0]': { left: ['Ada Lovelace'], right: ['Ada', 'Lovelace'] } } });
  });

  it('one human edit on the left → one write of the changed fields on the right, then silence for the echo', () => {
    const linked = decideLinked(plan, undefined, ic({}), sf({})).link;
    const edited = ic({ name: 'Ada King Lovelace' }, 5);
    const d = decideLinked(plan, linked, edited, sf({}));
    expect(d.writes).toEqual({ right: { FirstName: 'Ada King' } });
    expect(d.events).toEqual([
      { kind: 'write', side: 'right', recordId: '003A', otherId: 'ic-1', detail: { fields: ['FirstName'], mappings: ['fields[0]'], cause: { side: 'left', modifiedAt: '2026-11-29T14:05:00.000Z' } } },
    ]);
    // Salesforce now holds what we wrote; its change feed brings the record back.
    const echoed = decideLinked(plan, d.link, edited, sf({ FirstName: 'Ada King' }, 6));
    expect(echoed).toMatchObject({ writes: {}, events: [], unchanged: true });
    // And the left feed showing the same left record again changes nothing either.
    expect(decideLinked(plan, echoed.link, edited, sf({ FirstName: 'Ada King' }, 6)).writes).toEqual({});
  });

  it('one human edit on the right → one write on the left through the inverse map, then silence', () => {
    const linked = decideLinked(plan, undefined, ic({}), sf({})).link;
    const d = decideLinked(plan, linked, ic({}), sf({ Subscription_Tier__c: 'Free', Phone: '+41 44 000 00 00' }, 7));
    expect(d.writes).toEqual({ left: { 'custom_attributes.plan_type': 'free', phone: '+41 44 000 00 00' } });
    expect(decideLinked(plan, d.link, ic({ custom_attributes: { plan_type: 'free' }, phone: '+41 44 000 00 00' }, 8), sf({ Subscription_Tier__c: 'Free', Phone: '+41 44 000 00 00' }, 7))).toMatchObject({ writes: {}, unchanged: true });
  });

  it('a field edited on both sides: newestWins takes the later change per the records’ times and records the conflict', () => {
    const linked = decideLinked(plan, undefined, ic({}), sf({})).link;
    const d = decideLinked(plan, linked, ic({ custom_attributes: { plan_type: 'free' } }, 10), sf({ Subscription_Tier__c: 'Pro', FirstName: 'Augusta' }, 12));
    // The tier changed only on the left; the name only on the right: no conflict, both flow.
    expect(d.writes).toEqual({ left: { name: 'Augusta Lovelace' }, right: { Subscription_Tier__c: 'Free' } });
    expect(d.events.filter((e) => e.kind === 'conflict')).toEqual([]);

    const both = decideLinked(plan, linked, ic({ custom_attributes: { plan_type: 'free' } }, 10), sf({ Subscription_Tier__c: 'Enterprise' }, 12));
    expect(both.events).toContainEqual({
      kind: 'conflict',
      side: 'left',
      recordId: 'ic-1',
      otherId: '003A',
      detail: { field: 'fields[1]', policy: 'newestWins', winner: 'right', left: { values: ['free'], modifiedAt: '2026-11-29T14:10:00.000Z' }, right: { values: ['Enterprise'], modifiedAt: '2026-11-29T14:12:00.000Z' } },
    });
    // The right side won, but "Enterprise" has no inverse in the map: an explicit error, nothing written, base kept.
    expect(both.writes).toEqual({});
    expect(both.events).toContainEqual({ kind: 'error', side: 'right', recordId: '003A', otherId: 'ic-1', detail: { field: 'fields[1]', message: 'value "Enterprise" has no mapping (known: "Free", "Pro")' } });
    expect(both.link.state['fields[1]']).toEqual(linked.state['fields[1]']);

    const newer = decideLinked(plan, linked, ic({ custom_attributes: { plan_type: 'free' } }, 15), sf({ Subscription_Tier__c: 'Pro', FirstName: 'Ada' }, 12));
    expect(newer.writes).toEqual({ right: { Subscription_Tier__c: 'Free' } });
    const leftNewerBoth = decideLinked(plan, linked, ic({ name: 'Ada Byron' }, 15), sf({ LastName: 'King' }, 12));
    expect(leftNewerBoth.writes).toEqual({ right: { LastName: 'Byron' } });
    expect(leftNewerBoth.events.find((e) => e.kind === 'conflict')?.detail).toMatchObject({ field: 'fields[0]', winner: 'left' });
    const rightWins = decideLinked(planWith({ conflicts: 'rightWins' }), linked, ic({ name: 'Ada Byron' }, 15), sf({ LastName: 'King' }, 12));
    expect(rightWins.writes).toEqual({ left: { name: 'Ada King' } });
  });

  it('a one-way field changed on its read-only side is restored from its source side', () => {
    const linked = decideLinked(plan, undefined, ic({ phone: '+1 555' }), sf({ Phone: '+1 555' })).link;
    expect(decideLinked(plan, linked, ic({ phone: '+1 999' }, 3), sf({ Phone: '+1 555' })).writes).toEqual({ left: { phone: '+1 555' } });
  });

  it('match rules: one candidate matches (case-insensitive email), two are a duplicate with both ids, none is none', () => {
    const left = ic({});
    expect(matchCounterpart(plan, 'left', left, [sf({}, 0, '003A'), sf({ Email: 'bob@example.com' }, 0, '003B')])).toEqual({ kind: 'one', record: sf({}, 0, '003A') });
    expect(matchCounterpart(plan, 'left', left, [sf({}, 0, '003B'), sf({ Email: ' ada@example.com ' }, 0, '003A')])).toEqual({ kind: 'duplicate', ids: ['003A', '003B'] });
    expect(matchCounterpart(plan, 'left', ic({ email: null }), [sf({})])).toEqual({ kind: 'none' });
    expect(matchCounterpart(plan, 'right', sf({}), [ic({ email: 'someone@else.com' })])).toEqual({ kind: 'none' });
  });

  it('create: the other side’s fields from a record without a counterpart; a value that cannot convert creates nothing', () => {
    expect(createFields(plan, 'left', ic({ name: 'Grace Hopper', email: 'grace@example.com', custom_attributes: { plan_type: 'free' } }))).toEqual({ ok: true, fields: { FirstName: 'Grace', LastName: 'Hopper', Subscription_Tier__c: 'Free' } });
    expect(createFields(plan, 'left', ic({ custom_attributes: { plan_type: 'team' } }))).toEqual({ ok: false, errors: ['fields[1]: value "team" has no mapping (known: "free", "pro")'] });
  });

  it('the inclusion filter keeps only matching records', () => {
    expect(passesFilter(plan.left, ic({}))).toBe(true);
    expect(passesFilter(plan.left, ic({ role: 'lead' }))).toBe(false);
    expect(passesFilter(plan.right, sf({}))).toBe(true);
  });
});
