import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import type { TestEngine } from '../support/engine';
import { startRecipeScenario } from '../support/recipe-scenario';
import { runResult } from '../support/temporal';

/**
 * The pipedrive-deal-won-to-intercom example end to end on the dev server: a person wins a deal in
 * the Pipedrive app (the fake's edit sends the webhooks v2 `deal.change` with HTTP Basic) → ingress →
 * runRecipe → pipedrive.getRecord (the deal's person) → intercom.searchContacts by that email →
 * intercom.tag on the contact.
 */
describe('pipedrive-deal-won-to-intercom recipe through ingress, with vendor fakes', () => {
  const password = randomBytes(16).toString('hex');
  const pipedrive = new PipedriveFake();
  const intercom = new IntercomFake();
  let engine: TestEngine;
  let contactId: string;

  beforeAll(async () => {
    engine = await startRecipeScenario('pipedrive-e2e', { pipedrive: { fake: pipedrive, webhookPassword: password }, intercom: { fake: intercom } }, ['pipedrive-deal-won-to-intercom']);
    pipedrive.webhookTarget = { url: `${engine.api.url}/hooks/pipedrive-main`, user: 'switchyard', password };
    const created = await fetch(`${intercom.url}/contacts`, {
      method: 'POST',
      headers: { authorization: 'Bearer intercom-token', 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ role: 'user', email: 'ada@example.com', name: 'Ada Lovelace' }),
    });
    contactId = ((await created.json()) as { id: string }).id;
  });
  afterAll(() => engine?.stop());

  const runOf = (delivery: { answer?: string } | undefined) => (JSON.parse(delivery?.answer ?? '{}') as { runs?: { runId: string }[] }).runs ?? [];

  it('a deal won tags the person’s Intercom contact exactly once', async () => {
    const person = pipedrive.seed('person', { name: 'Ada Lovelace', emails: [{ value: 'ada@example.com', primary: true, label: 'work' }] });
    const deal = pipedrive.seed('deal', { title: 'Engines renewal', person_id: person.id });
    await pipedrive.edit('deal', deal.id, { status: 'won' });
    const runs = runOf(pipedrive.deliveries.at(-1));
    expect(runs).toHaveLength(1);
    const result = await runResult<{ status: string }>(engine.client, runs[0]!.runId);
    expect(result.status).toBe('succeeded');
    expect(pipedrive.received('GET', `/api/v2/persons/${person.id}`)).toHaveLength(1);
    const searches = intercom.received('POST', '/contacts/search');
    expect(searches).toHaveLength(1);
    expect(JSON.stringify(searches[0]!.body)).toContain('"value":"ada@example.com"');
    const tags = intercom.received('POST', '/tags');
    expect(tags.map((t) => t.body)).toEqual([{ name: 'won-deal', users: [{ id: contactId }] }]);
  });

  it('a deal renamed while already won, and a deal lost, start nothing', async () => {
    const before = intercom.requests.length;
    const deal = pipedrive.seed('deal', { title: 'Second engine', status: 'won' });
    await pipedrive.edit('deal', deal.id, { title: 'Second engine (signed)' });
    await pipedrive.edit('deal', deal.id, { status: 'lost' });
    expect(pipedrive.deliveries.slice(-2).map((d) => [d.status, JSON.parse(d.answer ?? '{}')])).toEqual([
      [200, { matched: 0 }],
      [200, { matched: 0 }],
    ]);
    expect(intercom.requests.length).toBe(before);
  });
});
