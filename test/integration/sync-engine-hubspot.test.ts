import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { hubspotBatchInputs, hubspotName } from '../support/crm-records';
import { describeSyncEngine } from '../support/sync-engine-suite';
import { hubspotContacts } from '../support/sync-definitions';

const hs = new HubSpotFake();
const token = 'pat-na1-fake';
const contacts = () => [...hs.records.contacts.values()];

/**
 * Intercom contacts ↔ HubSpot contacts (batch read/create/update, search change feed on
 * lastmodifieddate); HubSpot keeps one contact per email, so the duplicate pair is two Intercom
 * users; the revoked token is HubSpot's.
 */
describeSyncEngine({
  label: 'HubSpot',
  ...hubspotContacts,
  uniqueEmail: true,
  async start(seconds) {
    await hs.start();
    hs.clock = () => Date.now() + seconds() * 1000;
    hs.properties.contacts.push({ name: 'mrr', label: 'MRR', type: 'number', fieldType: 'number' });
    return { hubspot: hs };
  },
  close: () => hs.close(),
  seed: (email, name, mrr) => hs.seed('contacts', 1, () => ({ properties: { email, firstname: name.first, lastname: name.last, ...(mrr === null ? {} : { mrr: String(mrr) }) } }))[0]!.id,
  state: () => new Map(contacts().map((r) => [r.properties.email!.toLowerCase(), { name: hubspotName(r.properties), mrr: r.properties.mrr ? Number(r.properties.mrr) : null }])),
  idOf: (email) => hs.find('contacts', 'email', email)!.id,
  async edit(id, change) {
    await hs.edit('contacts', id, { ...(change.first !== undefined ? { firstname: change.first } : {}), ...(change.last !== undefined ? { lastname: change.last } : {}), ...(change.mrr !== undefined ? { mrr: String(change.mrr) } : {}) });
  },
  remove: (id) => void hs.records.contacts.delete(id),
  writes: () => ({ create: hubspotBatchInputs(hs, 'contacts', 'create'), update: hubspotBatchInputs(hs, 'contacts', 'update') + hs.received('PATCH', '/crm/v3/objects/contacts/*').length }),
  calls: () => hs.requests.length,
  forget: () => hs.reset(),
  rateLimit: () => void hs.rateLimit('SECONDLY'),
  revoke: () => hs.revokeToken(token),
  restore: () => void hs.tokens.set(token, Infinity),
});
