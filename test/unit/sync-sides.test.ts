import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubspot } from '../../connectors/hubspot';
import { fakeContext } from '../../connectors/sdk/fake-context';
import { hubspotSide } from '../../activities/sync-sides/hubspot';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import type { SyncSidePlan } from '../../workflows/sync-plan';

/**
 * The sync side adapters against their vendor fakes, for what the engine test does not reach:
 * per-record outcomes of batch writes (refused, gone, taken) and a batch the vendor refuses whole.
 */
describe('HubSpot sync side', () => {
  const fake = new HubSpotFake();
  const side: SyncSidePlan = { connection: 'hubspot-main', connector: 'hubspot', object: 'contacts', filter: {} };
  const ctx = () => fakeContext({ connector: hubspot.definition, credentials: { accessToken: 'pat-na1-fake' }, baseUrl: fake.url });
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.clear();
  });

  it('reads numbers as numbers and blanks as null; fetch leaves out ids that are gone; findBy matches emails whatever their case', async () => {
    fake.properties.contacts.push({ name: 'mrr', label: 'MRR', type: 'number', fieldType: 'number' });
    const [a] = fake.seed('contacts', 2, (i) => ({ properties: { email: `c${i}@example.com`, firstname: `C${i}`, mrr: i === 0 ? '42.5' : '' } }));
    const fetched = await hubspotSide.fetch(ctx(), side, ['email', 'firstname', 'mrr'], [a!.id, '999']);
    expect(fetched).toEqual([{ id: a!.id, modifiedAt: a!.updatedAt, data: expect.objectContaining({ email: 'c0@example.com', firstname: 'C0', mrr: 42.5 }) }]);
    const found = await hubspotSide.findBy(ctx(), side, ['email', 'mrr'], 'email', ['C1@Example.com', 'nobody@example.com']);
    expect(found.map((r) => [r.data.email, r.data.mrr])).toEqual([['c1@example.com', null]]);
    fake.properties.contacts.pop();
  });

  it('batch writes report each record: created, refused (naming the field), taken (with the existing id), gone', async () => {
    const [taken] = fake.seed('contacts', 1, () => ({ properties: { email: 'taken@example.com' } }));
    const created = await hubspotSide.create(ctx(), side, [{ email: 'new@example.com', firstname: 'New' }, { email: 'taken@example.com' }, { email: 'x@example.com', shoe: 44 }]);
    expect(created).toMatchObject([
      { ok: true, id: expect.any(String) },
      { ok: false, code: 'CONFLICT', existingId: taken!.id },
      { ok: false, code: 'VALIDATION_ERROR', message: expect.stringContaining('shoe') },
    ]);
    const updated = await hubspotSide.update(ctx(), side, [
      { id: taken!.id, fields: { firstname: 'Up', phone: null } },
      { id: '999', fields: { firstname: 'Gone' } },
    ]);
    expect(updated).toMatchObject([{ ok: true, id: taken!.id }, { ok: false, gone: true, code: 'OBJECT_NOT_FOUND' }]);
    expect(fake.records.contacts.get(taken!.id)!.properties).toMatchObject({ firstname: 'Up', phone: '' });
    expect(fake.received('POST', '/crm/v3/objects/contacts/batch/create')).toHaveLength(1);
  });

  it('a batch refused as a whole is written again record by record: only the bad record fails', async () => {
    fake.fail({ kind: 'respond', response: { status: 400, json: { status: 'error', message: 'One or more inputs are invalid', category: 'VALIDATION_ERROR', correlationId: 'c' } } });
    const created = await hubspotSide.create(ctx(), side, [{ email: 'a@example.com' }, { email: 'b@example.com' }]);
    expect(created).toMatchObject([{ ok: true }, { ok: true }]);
    expect(fake.received('POST', '/crm/v3/objects/contacts/batch/create').map((r) => (r.body as { inputs: unknown[] }).inputs.length)).toEqual([2, 1, 1]);
    // Auth and rate limits are not per-record: they fail the call (the engine's failure table takes them).
    fake.revokeToken('pat-na1-fake');
    await expect(hubspotSide.create(ctx(), side, [{ email: 'c@example.com' }])).rejects.toMatchObject({ kind: 'auth_lost' });
    fake.tokens.set('pat-na1-fake', Infinity);
    fake.rateLimit('TEN_SECONDLY_ROLLING');
    await expect(hubspotSide.update(ctx(), side, [{ id: '101', fields: { firstname: 'x' } }])).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 10_000 });
  });
});
