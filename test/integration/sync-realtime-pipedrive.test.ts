import { expect } from 'vitest';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import { pipedriveEmail, pipedriveLive } from '../support/crm-records';
import { pipedrivePersons } from '../support/sync-definitions';
import { describeRealtimeSync } from '../support/sync-realtime-suite';
import { waitFor } from '../support/temporal';

const pd = new PipedriveFake();
const webhookPassword = 'pd-hook-secret';
/** The MRR custom field's key (set when the fake starts). */
let mrr = '';
const persons = () => pipedriveLive(pd, 'person');
/** The webhooks v2 deliveries made, with their `meta`. */
const delivered = () => pd.deliveries.map((d) => ({ ...d, meta: (JSON.parse(d.body) as { meta: { entity_id: string; change_source: string } }).meta }));
const apiWrites = () => pd.received('POST', '/api/v2/persons').length + pd.received('PATCH', '/api/v2/persons/*').length;

/**
 * Intercom contacts ↔ Pipedrive persons in real time: Pipedrive's webhooks v2 (HTTP Basic with the
 * credentials given when the webhook was created), one `person.<action>` POST per change naming the
 * person by `meta.entity_id`. The fake, like Pipedrive, also sends them for the API's own writes
 * (`change_source: api`): every create and update of the sync comes back as its echo.
 */
describeRealtimeSync({
  label: 'Pipedrive',
  connection: 'pipedrive-main',
  mapping: () => pipedrivePersons(mrr),
  async start(seconds) {
    await pd.start();
    pd.clock = () => Date.now() + seconds() * 1000;
    mrr = pd.addCustomField('person', 'MRR', 'double').key;
    return { pipedrive: { fake: pd, webhookPassword } };
  },
  listen: (url) => void (pd.webhookTarget = { url, user: 'switchyard', password: webhookPassword }),
  close: () => pd.close(),
  seed: (email, name) => String(pd.seed('person', { name: `${name.first} ${name.last}`, emails: [{ value: email, primary: true, label: 'work' }] }).id),
  names: () => new Map(persons().map((r) => [pipedriveEmail(r)!, r.name as string])),
  idOf: (email) => String(persons().find((r) => pipedriveEmail(r) === email)!.id),
  async edit(id, name) {
    await pd.edit('person', Number(id), { name: `${name.first} ${name.last}` });
    expect(pd.deliveries.at(-1)).toMatchObject({ topic: 'person.change', status: 202 });
  },
  async remove(id) {
    await pd.remove('person', Number(id));
    const delivery = pd.deliveries.at(-1)!;
    expect(delivery.topic).toBe('person.delete');
    expect([200, 202]).toContain(delivery.status);
  },
  async echo(id) {
    const echo = await waitFor(async () => delivered().find((d) => d.topic === 'person.change' && d.meta.entity_id === id && d.meta.change_source === 'api'), `Pipedrive's webhook for the write to person ${id}`);
    expect(echo.status).toBe(202);
  },
  settled: () => delivered().filter((d) => d.meta.change_source === 'api').length === apiWrites(),
  writes: () => ({ create: pd.received('POST', '/api/v2/persons').length, update: pd.received('PATCH', '/api/v2/persons/*').length }),
});
