import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { describeSyncEngine } from '../support/sync-engine-suite';

const hs = new HubSpotFake();
const token = 'pat-na1-fake';
/** Inputs in the batch calls of a kind (a call carries up to 100). */
const inputsIn = (kind: string) => hs.received('POST', `/crm/v3/objects/contacts/batch/${kind}`).reduce((n, r) => n + ((r.body as { inputs?: unknown[] } | undefined)?.inputs?.length ?? 0), 0);
const contacts = () => [...hs.records.contacts.values()];
const nameOf = (p: Record<string, string>) => [p.firstname, p.lastname].filter(Boolean).join(' ');

/**
 * Intercom contacts ↔ HubSpot contacts (batch read/create/update, search change feed on
 * lastmodifieddate); HubSpot keeps one contact per email, so the duplicate pair is two Intercom
 * users; the revoked token is HubSpot's.
 */
describeSyncEngine({
  label: 'HubSpot',
  right: { connection: 'hubspot-main', object: 'contacts' },
  match: [{ left: 'email', right: 'email' }],
  fields: [
    { left: 'name', right: ['firstname', 'lastname'], transform: 'splitName', direction: 'both' },
    { left: 'email', right: 'email', direction: 'both' },
    { left: 'custom_attributes.mrr', right: 'mrr', transform: 'number', direction: 'both' },
  ],
  uniqueEmail: true,
  async start(seconds) {
    await hs.start();
    hs.clock = () => Date.now() + seconds() * 1000;
    hs.properties.contacts.push({ name: 'mrr', label: 'MRR', type: 'number', fieldType: 'number' });
    return { hubspot: hs };
  },
  close: () => hs.close(),
  seed: (email, name, mrr) => hs.seed('contacts', 1, () => ({ properties: { email, firstname: name.first, lastname: name.last, ...(mrr === null ? {} : { mrr: String(mrr) }) } }))[0]!.id,
  state: () => new Map(contacts().map((r) => [r.properties.email!.toLowerCase(), { name: nameOf(r.properties), mrr: r.properties.mrr ? Number(r.properties.mrr) : null }])),
  idOf: (email) => hs.find('contacts', 'email', email)!.id,
  async edit(id, change) {
    await hs.edit('contacts', id, { ...(change.first !== undefined ? { firstname: change.first } : {}), ...(change.last !== undefined ? { lastname: change.last } : {}), ...(change.mrr !== undefined ? { mrr: String(change.mrr) } : {}) });
  },
  remove: (id) => void hs.records.contacts.delete(id),
  writes: () => ({ create: inputsIn('create'), update: inputsIn('update') + hs.received('PATCH', '/crm/v3/objects/contacts/*').length }),
  calls: () => hs.requests.length,
  forget: () => hs.reset(),
  rateLimit: () => void hs.rateLimit('SECONDLY'),
  revoke: () => hs.revokeToken(token),
  restore: () => void hs.tokens.set(token, Infinity),
});
