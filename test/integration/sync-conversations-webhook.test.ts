import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { syncConversationsStatusQuery, syncConversationsWorkflowId, type SyncConversationsStatus } from '../../workflows/sync-conversations-contract';
import { syncWorkflowId } from '../../workflows/sync-contract';
import { call } from '../support/api-harness';
import { startTestEngine, type TestEngine } from '../support/engine';
import { postIntercomWebhook } from '../support/intercom-webhooks';
import { intercomContactsSync, mrrField, salesforceContacts } from '../support/sync-definitions';
import { waitFor } from '../support/temporal';
import { seedVendorConnections } from '../support/vendor-connections';

/**
 * Conversations to the CRM through the one ingest path (issue #16): the whole engine in-process. A
 * sync applied with `conversations` starts its sync workflow, which starts `syncConversations`; a
 * signed `conversation.admin.closed` webhook reaches it through the inbox (not the poll, an hour
 * away) and the transcript becomes one Salesforce Task on the linked Contact; Intercom's redelivery
 * of the same notification is a duplicate, and nothing more is written.
 */
describe('a closed-conversation webhook writes the transcript once', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let engine: TestEngine;
  const id = 'contacts-with-conversations';
  const tasks = () => sf.all('Task');
  const api = (method: string, p: string, body?: unknown) => call(engine.api.url, method, p, { token: admin, body });
  const conversations = () => engine.client.workflow.getHandle(syncConversationsWorkflowId(id));

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    sf.addCustomField('Contact', { ...mrrField });
    const now = ic.clock();
    ic.contacts.push({ type: 'contact', id: 'ic-ada', workspace_id: 'a86dr8yl', role: 'user', email: 'ada@example.com', external_id: null, name: 'Ada Lovelace', custom_attributes: {}, created_at: now, updated_at: now });
    ic.addConversation(
      { type: 'conversation', id: '777', state: 'open', created_at: now, updated_at: now, title: 'Invoice', source: { id: 'm777', body: '<p>Where is my <b>invoice</b>?</p>', author: { type: 'user', id: 'ic-ada', name: 'Ada Lovelace' } }, contacts: [{ type: 'contact', id: 'ic-ada' }] },
      [{ id: '77701', part_type: 'comment', body: '<p>Sent again.</p>', created_at: now, author: { type: 'admin', id: '991267', name: 'Sam' } }],
    );
    engine = await startTestEngine('sync-conversations-webhook', { SWITCHYARD_ADMIN_TOKEN: admin }, async (store) => {
      await seedVendorConnections(store, { intercom: { fake: ic, clientSecret }, salesforce: sf });
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([engine.client.workflow.getHandle(syncWorkflowId(id)).terminate('test over'), conversations().terminate('test over')]);
    await engine?.stop();
    await Promise.all([ic.close(), sf.close()]);
  });

  it('PUT starts both workflows; the webhook writes one Task on the linked Contact; a redelivery writes nothing', async () => {
    const put = await api('PUT', `/api/v1/recipes/${id}`, intercomContactsSync(id, salesforceContacts, { conversations: { to: 'right', as: 'Task', on: 'closed', poll: '1h' } }));
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    // The sync links Ada (created on Salesforce), and its workflow starts the conversations workflow.
    await waitFor(async () => sf.all('Contact').length === 1 && (await engine.store.syncs.linkCount(id)) === 1, 'Ada linked', 60_000);
    await waitFor(() => conversations().query<SyncConversationsStatus>(syncConversationsStatusQuery).then((s) => s.lastPoll !== undefined).catch(() => false), 'the conversations workflow polled once', 30_000);

    const body = JSON.stringify(ic.closeConversation('777'));
    const posted = await postIntercomWebhook(engine.api.url, 'intercom-main', body, clientSecret);
    expect(posted.status).toBe(202);
    expect(await posted.json()).toMatchObject({ matched: 0, syncs: [id] });
    await waitFor(async () => tasks().length === 1, 'the Task of conversation 777', 30_000);
    const contact = sf.all('Contact')[0]!;
    expect(tasks()[0]).toMatchObject({ WhoId: contact.Id, Status: 'Completed' });
    expect(String(tasks()[0]!.Description)).toContain('Ada Lovelace (user): Where is my invoice?');

    // Intercom retries the delivery after a minute: the same notification id is a duplicate; a redelivery with a new id finds the ledger.
    const again = await postIntercomWebhook(engine.api.url, 'intercom-main', body, clientSecret);
    expect(again.status).toBeLessThan(300);
    const renotified = await postIntercomWebhook(engine.api.url, 'intercom-main', JSON.stringify({ ...JSON.parse(body), id: `notif_${randomBytes(8).toString('hex')}` }), clientSecret);
    expect(renotified.status).toBe(202);
    await waitFor(async () => (await conversations().query<SyncConversationsStatus>(syncConversationsStatusQuery)).unchanged >= 1, 'the second notification handled', 30_000);
    expect(tasks()).toHaveLength(1);

    // GET /api/v1/syncs/:id shows the conversations workflow and what waits for a counterpart.
    const detail = await api('GET', `/api/v1/syncs/${id}`);
    expect(detail.body.conversations).toMatchObject({ to: 'right', as: 'Task', workflow: { running: true, written: 1 }, unmatched: [] });
    expect(detail.body.conversations.workflow.unchanged).toBeGreaterThanOrEqual(1);
  }, 150_000);
});
