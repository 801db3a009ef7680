import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { describeSyncEngine } from '../support/sync-engine-suite';
import { mrrField, salesforceContacts } from '../support/sync-definitions';

const sf = new SalesforceFake();
const composite = '/instance/services/data/v62.0/composite/sobjects';
/** Records in the sObject Collections calls of a method (a call carries up to 200). */
const recordsIn = (method: string) => sf.received(method, composite).reduce((n, r) => n + ((r.body as { records?: unknown[] } | undefined)?.records?.length ?? 0), 0);
const byEmail = (email: string) => sf.all('Contact').find((r) => String(r.Email).toLowerCase() === email)!;

/** Intercom contacts ↔ Salesforce Contacts (sObject Collections writes, SOQL change feed); the revoked token is Intercom's. */
describeSyncEngine({
  label: 'Salesforce',
  ...salesforceContacts,
  async start(seconds) {
    await sf.start();
    sf.clock = () => Date.now() + seconds() * 1000;
    sf.addCustomField('Contact', { ...mrrField });
    return { salesforce: sf };
  },
  close: () => sf.close(),
  seed: (email, name, mrr) => sf.seed('Contact', { FirstName: name.first, LastName: name.last, Email: email, ...(mrr === null ? {} : { Mrr__c: mrr }) }).Id,
  state: () => new Map(sf.all('Contact').map((r) => [String(r.Email).toLowerCase(), { name: [r.FirstName, r.LastName].filter(Boolean).join(' '), mrr: (r.Mrr__c as number | null | undefined) ?? null }])),
  idOf: (email) => byEmail(email).Id,
  async edit(id, change) {
    sf.edit(id, { ...(change.first !== undefined ? { FirstName: change.first } : {}), ...(change.last !== undefined ? { LastName: change.last } : {}), ...(change.mrr !== undefined ? { Mrr__c: change.mrr } : {}) });
  },
  remove: (id) => sf.remove(id),
  writes: () => ({ create: recordsIn('POST'), update: recordsIn('PATCH') }),
  calls: () => sf.requests.length,
  forget: () => sf.reset(),
});
