import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import type { TestEngine } from '../support/engine';
import { resultOfOnlyRun, startRecipeScenario } from '../support/recipe-scenario';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';

const api = '/instance/services/data/v62.0';

/**
 * The example recipe end to end on the real dev server: a signed Intercom
 * `conversation.user.created` → ingress → runRecipe → intercom.getConversationTranscript →
 * salesforce.query (Contact by email) →
 * a Lead when none matches → salesforce.createTask on the Contact or the Lead.
 */
describe('new-conversation-to-salesforce recipe through ingress, with the Salesforce fake', () => {
  const secret = randomBytes(16).toString('hex');
  const salesforce = new SalesforceFake();
  const intercom = new IntercomFake();
  let engine: TestEngine;
  let ada = '';

  beforeAll(async () => {
    engine = await startRecipeScenario('e2e', { intercom: { fake: intercom, clientSecret: secret }, salesforce }, ['new-conversation-to-salesforce']);
    ada = salesforce.seed('Contact', { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' }).Id;
  });
  afterAll(() => engine?.stop());

  const conversation = (id: string, author: { name: string; email: string }) => {
    const source = { id: `src-${id}`, subject: '', body: "<p>Hi, I can't log in since this morning.</p>", author: { type: 'user', id: `u-${id}`, ...author } };
    intercom.addConversation({ type: 'conversation', id, created_at: 1764425100, updated_at: 1764425400, state: 'open', title: null, source }, [
      { id: `${id}-1`, part_type: 'comment', body: '<p>Sorry! Try the reset link again.</p>', created_at: 1764425400, author: { type: 'admin', id: '814860', name: 'Margaret Hamilton' } },
    ]);
    return intercomNotification('conversation.user.created', {
      type: 'conversation',
      id,
      created_at: 1764425100,
      source: { type: 'conversation', ...source },
    });
  };
  const run = async (body: string) => resultOfOnlyRun(engine, await postIntercomWebhook(engine.api.url, 'intercom-main', body, secret));

  it('logs the conversation as a completed Task on the Contact found by email', async () => {
    salesforce.reset();
    expect((await run(conversation('147', { name: 'Ada Lovelace', email: 'ada@example.com' }))).status).toBe('succeeded');
    expect(salesforce.received('GET', `${api}/query`)[0]!.query.get('q')).toBe("SELECT Id FROM Contact WHERE Email = 'ada@example.com' ORDER BY LastModifiedDate DESC LIMIT 1");
    expect(salesforce.received('POST', `${api}/sobjects/Lead`)).toEqual([]);
    const tasks = salesforce.all('Task').filter((t) => t.WhoId === ada);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ Status: 'Completed', ActivityDate: '2025-11-29', Subject: expect.stringMatching(/^Intercom conversation 147: Hi, I can't log in/) });
    expect(tasks[0]!.Description).toContain("Ada Lovelace (user): Hi, I can't log in since this morning.");
    expect(tasks[0]!.Description).toContain('Margaret Hamilton (admin): Sorry! Try the reset link again.');
    expect(intercom.received('GET', '/conversations/147')).toHaveLength(1);
  });

  it('creates a Lead when no Contact has the email, and logs the Task on the Lead', async () => {
    salesforce.reset();
    expect((await run(conversation('148', { name: 'Grace Hopper', email: 'grace@example.com' }))).status).toBe('succeeded');
    const leads = salesforce.all('Lead');
    expect(leads).toEqual([expect.objectContaining({ FirstName: 'Grace', LastName: 'Hopper', Email: 'grace@example.com', Company: '[not provided]', LeadSource: 'Intercom', Status: 'Open - Not Contacted' })]);
    const tasks = salesforce.all('Task').filter((t) => t.WhoId === leads[0]!.Id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ Status: 'Completed', Subject: expect.stringMatching(/^Intercom conversation 148/) });
  });
});
