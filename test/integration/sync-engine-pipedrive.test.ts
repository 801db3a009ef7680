import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import { pipedriveEmail, pipedriveLive } from '../support/crm-records';
import { describeSyncEngine } from '../support/sync-engine-suite';
import { pipedrivePersons } from '../support/sync-definitions';

const pd = new PipedriveFake();
/** The MRR custom field's 40-hex-digit key (set when the fake starts). */
let mrr = '';
const persons = () => pipedriveLive(pd, 'person');

/**
 * Intercom contacts ↔ Pipedrive persons (v2: update_time change feed, `ids` fetch, one write per
 * record, the primary email as the match, MRR in a custom field); Pipedrive allows two persons with
 * one email, so the duplicate pair is two persons; the revoked token is Pipedrive's.
 */
describeSyncEngine({
  label: 'Pipedrive',
  right: pipedrivePersons(mrr).right,
  match: pipedrivePersons(mrr).match,
  get fields() {
    return pipedrivePersons(mrr).fields;
  },
  async start(seconds) {
    await pd.start();
    pd.clock = () => Date.now() + seconds() * 1000;
    mrr = pd.addCustomField('person', 'MRR', 'double').key;
    return { pipedrive: { fake: pd, webhookPassword: 'pd-hook-secret' } };
  },
  close: () => pd.close(),
  seed: (email, name, value) => String(pd.seed('person', { name: `${name.first} ${name.last}`, emails: [{ value: email, primary: true, label: 'work' }], custom_fields: value === null ? {} : { [mrr]: value } }).id),
  state: () => new Map(persons().map((r) => [pipedriveEmail(r)!, { name: r.name as string, mrr: ((r.custom_fields as Record<string, number | null>)[mrr] as number | undefined) ?? null }])),
  idOf: (email) => String(persons().find((r) => pipedriveEmail(r) === email)!.id),
  async edit(id, change) {
    const name = change.first !== undefined || change.last !== undefined ? { name: [change.first, change.last].filter(Boolean).join(' ') } : {};
    await pd.edit('person', Number(id), { ...name, ...(change.mrr !== undefined ? { custom_fields: { [mrr]: change.mrr } } : {}) });
  },
  remove: (id) => void pd.records.person.delete(Number(id)),
  writes: () => ({ create: pd.received('POST', '/api/v2/persons').length, update: pd.received('PATCH', '/api/v2/persons/*').length }),
  calls: () => pd.requests.length,
  forget: () => pd.reset(),
  rateLimit: () => void pd.fail({ kind: 'rate_limited', retryAfterSeconds: 1 }),
  revoke: () => pd.revokeTokens(),
  restore: () => void pd.apiTokens.add('pd-api-token'),
});
