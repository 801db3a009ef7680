import { describe, expect, it } from 'vitest';
import { compileSync } from '../../src/recipe/sync-compile';
import { syncChangesOf } from '../../src/sync/webhook-changes';

const connections = new Map([
  ['intercom-main', 'intercom'],
  ['hubspot-main', 'hubspot'],
  ['pipedrive-main', 'pipedrive'],
]);

function plan(id: string, right: { connection: string; object: string }, frequency: 'realtime' | '5m' = 'realtime') {
  const compiled = compileSync(
    {
      id,
      kind: 'sync',
      left: { connection: 'intercom-main', object: 'contact' },
      right,
      match: [{ left: 'email', right: 'email' }],
      fields: [{ left: 'email', right: 'email' }],
      direction: 'both',
      frequency,
      conflicts: 'newestWins',
    },
    { connections },
  );
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  return compiled.plan;
}

const hubspotContacts = plan('hs', { connection: 'hubspot-main', object: 'contacts' });
const pipedrivePersons = plan('pd', { connection: 'pipedrive-main', object: 'person' });

describe('syncChangesOf: which records a vendor webhook names for a realtime sync', () => {
  it('HubSpot: each event names its record by objectId, for the side of that object type only', () => {
    const event = { eventId: 1, subscriptionType: 'contact.propertyChange', objectId: 5101, propertyName: 'firstname', occurredAt: 1 };
    expect(syncChangesOf([hubspotContacts], 'hubspot-main', 'hubspot', 'contact.propertyChange', event)).toEqual([{ syncId: 'hs', side: 'right', ids: ['5101'] }]);
    expect(syncChangesOf([hubspotContacts], 'hubspot-main', 'hubspot', 'contact.deletion', { ...event, subscriptionType: 'contact.deletion' })).toEqual([{ syncId: 'hs', side: 'right', ids: ['5101'] }]);
    expect(syncChangesOf([hubspotContacts], 'hubspot-main', 'hubspot', 'company.propertyChange', { ...event, subscriptionType: 'company.propertyChange' })).toEqual([]);
    expect(syncChangesOf([hubspotContacts], 'hubspot-main', 'hubspot', 'contact.creation', { eventId: 2, subscriptionType: 'contact.creation' })).toEqual([]);
  });

  it('HubSpot: a merge names the records merged away (their links come apart) and the one they became', () => {
    const merge = { eventId: 3, subscriptionType: 'contact.merge', objectId: 5101, primaryObjectId: 5101, mergedObjectIds: [5102, 5103], newObjectId: 5101, occurredAt: 1 };
    expect(syncChangesOf([hubspotContacts], 'hubspot-main', 'hubspot', 'contact.merge', merge)).toEqual([{ syncId: 'hs', side: 'right', ids: ['5101', '5102', '5103'] }]);
    expect(syncChangesOf([hubspotContacts], 'hubspot-main', 'hubspot', 'company.merge', { ...merge, subscriptionType: 'company.merge' })).toEqual([]);
  });

  it('Intercom: a company attached to or detached from a contact names the contact for a contacts side (its updated_at stays), the company for a companies side', () => {
    const companies = plan('ic-companies', { connection: 'hubspot-main', object: 'companies' });
    const attached = { type: 'notification_event', topic: 'company.contact.attached', data: { type: 'notification_event_data', item: { type: 'contact_company', contact: { type: 'contact', id: 'u-1' }, company: { type: 'company', id: 'co-1' } } } };
    for (const topic of ['company.contact.attached', 'company.contact.detached']) {
      expect(syncChangesOf([hubspotContacts], 'intercom-main', 'intercom', topic, { ...attached, topic })).toEqual([{ syncId: 'hs', side: 'left', ids: ['u-1'] }]);
    }
    expect(syncChangesOf([{ ...companies, left: { ...companies.left, object: 'company' } }], 'intercom-main', 'intercom', 'company.contact.attached', attached)).toEqual([{ syncId: 'ic-companies', side: 'left', ids: ['co-1'] }]);
    expect(syncChangesOf([hubspotContacts], 'intercom-main', 'intercom', 'conversation.contact.attached', { ...attached, topic: 'conversation.contact.attached' })).toEqual([]);
  });

  it('Pipedrive: `<entity>.<action>` names its record by meta.entity_id', () => {
    const body = { meta: { action: 'change', entity: 'person', entity_id: '42', id: 'b2d5…', version: '2.0' }, data: { id: 42 }, previous: { name: 'Ada' } };
    expect(syncChangesOf([pipedrivePersons], 'pipedrive-main', 'pipedrive', 'person.change', body)).toEqual([{ syncId: 'pd', side: 'right', ids: ['42'] }]);
    expect(syncChangesOf([pipedrivePersons], 'pipedrive-main', 'pipedrive', 'deal.change', { ...body, meta: { ...body.meta, entity: 'deal' } })).toEqual([]);
    expect(syncChangesOf([pipedrivePersons], 'pipedrive-main', 'pipedrive', 'person.change', { data: { id: 42 } })).toEqual([]);
    // A delete (`data` null, `previous` the record); a merge is the merged-away record's delete naming the kept one.
    const deleted = { meta: { ...body.meta, action: 'delete', entity_id: '43', merged_to_id: '42' }, data: null, previous: { id: 43, name: 'Ada' } };
    expect(syncChangesOf([pipedrivePersons], 'pipedrive-main', 'pipedrive', 'person.delete', deleted)).toEqual([{ syncId: 'pd', side: 'right', ids: ['43', '42'] }]);
  });

  it('only the sync whose side is on the delivering connection, and only realtime ones', () => {
    const event = { eventId: 1, subscriptionType: 'contact.propertyChange', objectId: 7 };
    expect(syncChangesOf([hubspotContacts, pipedrivePersons], 'hubspot-main', 'hubspot', 'contact.propertyChange', event).map((c) => c.syncId)).toEqual(['hs']);
    expect(syncChangesOf([hubspotContacts], 'hubspot-other', 'hubspot', 'contact.propertyChange', event)).toEqual([]);
    const polled = plan('hs-polled', { connection: 'hubspot-main', object: 'contacts' }, '5m');
    expect(syncChangesOf([polled], 'hubspot-main', 'hubspot', 'contact.propertyChange', event)).toEqual([]);
  });
});
