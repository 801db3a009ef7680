import { expect } from 'vitest';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { hubspotBatchInputs, hubspotName } from '../support/crm-records';
import { hubspotContacts } from '../support/sync-definitions';
import { describeRealtimeSync } from '../support/sync-realtime-suite';

const hs = new HubSpotFake();

/**
 * Intercom contacts ↔ HubSpot contacts in real time: HubSpot's webhooks arrive as one signed POST
 * (X-HubSpot-Signature-v3 over method, URL, body and timestamp with the app's client secret) of
 * `contact.propertyChange` events, one per changed property, each naming the contact by `objectId`.
 * HubSpot also notifies the app of the changes its own API writes made (changeSource INTEGRATION):
 * the echo is delivered as HubSpot would.
 */
describeRealtimeSync({
  label: 'HubSpot',
  connection: 'hubspot-main',
  mapping: () => hubspotContacts,
  async start(seconds) {
    await hs.start();
    hs.clock = () => Date.now() + seconds() * 1000;
    hs.properties.contacts.push({ name: 'mrr', label: 'MRR', type: 'number', fieldType: 'number' });
    return { hubspot: hs };
  },
  listen: (url) => void (hs.webhookUrl = url),
  close: () => hs.close(),
  seed: (email, name) => hs.seed('contacts', 1, () => ({ properties: { email, firstname: name.first, lastname: name.last } }))[0]!.id,
  names: () => new Map([...hs.records.contacts.values()].map((r) => [r.properties.email!.toLowerCase(), hubspotName(r.properties)])),
  idOf: (email) => hs.find('contacts', 'email', email)!.id,
  async edit(id, name) {
    expect(await hs.edit('contacts', id, { firstname: name.first, lastname: name.last })).toBe(202);
  },
  async remove(id) {
    expect([200, 202]).toContain(await hs.remove('contacts', id));
  },
  async echo(id) {
    const record = hs.records.contacts.get(id)!;
    const events = ['firstname', 'lastname'].map((p) => hs.event('contact.propertyChange', id, record.updatedAt, { propertyName: p, propertyValue: record.properties[p], changeSource: 'INTEGRATION' }));
    expect((await hs.deliver(events)).status).toBe(202);
  },
  settled: () => true,
  writes: () => ({ create: hubspotBatchInputs(hs, 'contacts', 'create'), update: hubspotBatchInputs(hs, 'contacts', 'update') + hs.received('PATCH', '/crm/v3/objects/contacts/*').length }),
});
