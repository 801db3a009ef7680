import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createActivities, createSyncActivities, createSyncConversationActivities } from '../../activities';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { createLogger } from '../../src/logging';
import { compileSync } from '../../src/recipe/sync-compile';
import { storeConnectionResolver } from '../../src/runtime/connection-resolver';
import type { Store } from '../../src/store/store';
import { SyncConversationLedger } from '../../src/store/sync-conversations';
import { conversationsClosedSignal, syncConversationsStatusQuery, syncConversationsWorkflowId, syncConversationsWorkflowType, type SyncConversationsInput, type SyncConversationsStatus } from '../../workflows/sync-conversations-contract';
import { syncWorkflowId, syncWorkflowType } from '../../workflows/sync-contract';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { SyncWorkflowInput } from '../../workflows/sync-workflow';
import { openTestStore } from '../support/stores';
import { connectToDevServer, createTestWorker, waitFor } from '../support/temporal';
import { seedVendorConnections } from '../support/vendor-connections';

/**
 * Conversations to the CRM (issue #16): a closed Intercom conversation's transcript is written once
 * to the contact's counterpart as a Salesforce Task, a HubSpot note and a Pipedrive note, through
 * the real `syncConversations` workflow, its activities, the SQLite store and the vendor fakes,
 * which hold every write.
 */
const pairs = [['intercom', 'salesforce'], ['intercom', 'hubspot'], ['intercom', 'pipedrive']] as const;

const definitions = {
  sf: { id: 'conv-sf', kind: 'sync', left: { connection: 'intercom-main', object: 'contact' }, right: { connection: 'salesforce-main', object: 'Contact' }, match: [{ left: 'email', right: 'Email' }], fields: [{ left: 'email', right: 'Email' }], conversations: { to: 'right', as: 'Task', on: 'closed' } },
  hs: { id: 'conv-hs', kind: 'sync', left: { connection: 'intercom-main', object: 'contact' }, right: { connection: 'hubspot-main', object: 'contacts' }, match: [{ left: 'email', right: 'email' }], fields: [{ left: 'email', right: 'email' }], conversations: 'notes' },
  pd: { id: 'conv-pd', kind: 'sync', left: { connection: 'intercom-main', object: 'contact' }, right: { connection: 'pipedrive-main', object: 'person' }, match: [{ left: 'email', right: 'email' }], fields: [{ left: 'name', right: 'name' }], conversations: { as: 'note' } },
};

describe('CRM sync: closed conversations to the CRM', () => {
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  const hs = new HubSpotFake();
  const pd = new PipedriveFake();
  let store: Store;
  let ledger: SyncConversationLedger;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const plans: Record<keyof typeof definitions, SyncPlan> = {} as Record<keyof typeof definitions, SyncPlan>;
  /** The counterpart of Ada on each CRM. */
  const ada = { ic: 'ic-ada', sf: '', hs: '', pd: 0 };

  const handle = (key: keyof typeof definitions) => env.client.workflow.getHandle(syncConversationsWorkflowId(plans[key].syncId));
  const status = (key: keyof typeof definitions) => handle(key).query<SyncConversationsStatus>(syncConversationsStatusQuery);
  const signalAll = (ids: string[]) => Promise.all((Object.keys(definitions) as (keyof typeof definitions)[]).map((k) => handle(k).signal(conversationsClosedSignal, { conversationIds: ids })));
  const writes = () => ({ sf: sf.all('Task').length, hs: hs.records.notes.size, pd: pd.notes.length });
  const tasksOf = (conversationId: string) => sf.all('Task').filter((t) => String(t.Subject).includes(`[intercom ${conversationId}/`));
  const hsNotesOf = (conversationId: string) => [...hs.records.notes.values()].filter((n) => String(n.properties.hs_note_body).includes(`Intercom conversation ${conversationId}`));
  const pdNotesOf = (conversationId: string) => pd.notes.filter((n) => String(n.content).includes(`Intercom conversation ${conversationId}`));
  /** Every workflow finished a cycle that began after now (so what was signalled or polled before is done). */
  async function settled(): Promise<void> {
    const t = new Date().toISOString();
    for (const key of Object.keys(definitions) as (keyof typeof definitions)[]) {
      await waitFor(async () => {
        const s = await status(key);
        return s.phase === 'idle' && s.pending === 0 && (s.lastPoll ?? '') > t;
      }, `a settled cycle of ${key}`, 30_000);
    }
  }

  function conversation(id: string, contactId: string, body: string) {
    const now = ic.clock();
    ic.addConversation(
      { type: 'conversation', id, state: 'open', created_at: now, updated_at: now, title: `Question ${id}`, source: { id: `m${id}`, body, author: { type: 'user', id: contactId, name: 'Ada Lovelace' } }, contacts: [{ type: 'contact', id: contactId }] },
      [{ id: `${id}01`, part_type: 'comment', body: '<p>Sent it again <b>just now</b>.</p>', created_at: now, author: { type: 'admin', id: '991267', name: 'Sam' } }],
    );
  }

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start(), hs.start(), pd.start()]);
    store = await openTestStore(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-conv-')), 'store.db')}`);
    ledger = new SyncConversationLedger(store.db);
    const connections = await seedVendorConnections(store, { intercom: { fake: ic }, salesforce: sf, hubspot: hs, pipedrive: { fake: pd, webhookPassword: 'pw' } });
    for (const [key, source] of Object.entries(definitions) as [keyof typeof definitions, (typeof definitions)[keyof typeof definitions]][]) {
      const compiled = compileSync(source, { connections, enginePairs: pairs });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
      plans[key] = { ...compiled.plan, pollMs: 1000, transcripts: { ...compiled.plan.transcripts!, pollMs: 1000 } };
      await store.syncs.apply(source, plans[key]);
    }
    const now = ic.clock();
    ic.contacts.push({ type: 'contact', id: ada.ic, workspace_id: 'a86dr8yl', role: 'user', email: 'ada@example.com', external_id: null, name: 'Ada Lovelace', created_at: now, updated_at: now });
    ic.contacts.push({ type: 'contact', id: 'ic-bob', workspace_id: 'a86dr8yl', role: 'user', email: 'bob@example.com', external_id: null, name: 'Bob Stranger', created_at: now, updated_at: now });
    const account = sf.seed('Account', { Name: 'Analytical Engines' });
    ada.sf = String(sf.seed('Contact', { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com', AccountId: account.Id }).Id);
    ada.hs = hs.seed('contacts', 1, () => ({ properties: { email: 'ada@example.com', firstname: 'Ada' } }))[0]!.id;
    ada.pd = pd.seed('person', { name: 'Ada Lovelace' }).id;
    const link = (leftId: string, rightId: string) => ({ leftId, rightId, leftHash: '', rightHash: '', state: {} });
    await store.syncs.saveCycle(plans.sf.syncId, [link(ada.ic, ada.sf)], []);
    await store.syncs.saveCycle(plans.hs.syncId, [link(ada.ic, ada.hs)], []);
    await store.syncs.saveCycle(plans.pd.syncId, [link(ada.ic, String(ada.pd))], []);

    env = await connectToDevServer();
    const deps = { connections: storeConnectionResolver(store, createLogger('silent')), egressAllow: ['127.0.0.1/32'] };
    worker = await createTestWorker(env, {
      activities: { ...createActivities(deps), ...createSyncActivities({ ...deps, syncs: store.syncs }), ...createSyncConversationActivities({ ...deps, syncs: store.syncs, transcripts: ledger }) },
    });
    running = worker.run();
    // Salesforce: the sync's own workflow starts its conversations workflow (as it does once applied); the others directly.
    const syncInput: SyncWorkflowInput = { plan: plans.sf, cyclesPerExecution: 3 };
    await env.client.workflow.start(syncWorkflowType, { workflowId: syncWorkflowId(plans.sf.syncId), taskQueue: worker.options.taskQueue, args: [syncInput] });
    for (const plan of [plans.hs, plans.pd]) {
      const input: SyncConversationsInput = { syncId: plan.syncId, cyclesPerExecution: 4 };
      await env.client.workflow.start(syncConversationsWorkflowType, { workflowId: syncConversationsWorkflowId(plan.syncId), taskQueue: worker.options.taskQueue, args: [input] });
    }
    await waitFor(() => status('sf').catch(() => undefined), 'the conversations workflow started by the sync workflow', 30_000);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([...(Object.keys(plans) as (keyof typeof definitions)[]).map((key) => handle(key).terminate('test over')), env.client.workflow.getHandle(syncWorkflowId(plans.sf.syncId)).terminate('test over')]);
    worker?.shutdown();
    await Promise.allSettled([running]);
    await env?.teardown();
    await Promise.all([store?.close(), ic.close(), sf.close(), hs.close(), pd.close()]);
  });

  it('writes a closed conversation once per CRM on the linked contact, HTML stripped and escaped; a redelivered webhook writes nothing', async () => {
    conversation('101', ada.ic, '<p>Where is my invoice? &lt;script&gt;alert(1)&lt;/script&gt; <i>thanks</i></p>');
    ic.closeConversation('101');
    await signalAll(['101']);
    await waitFor(async () => tasksOf('101').length === 1 && hsNotesOf('101').length === 1 && pdNotesOf('101').length === 1, 'a Task and two notes for conversation 101', 30_000);

    const [task] = tasksOf('101');
    expect(task).toMatchObject({ WhoId: ada.sf, Status: 'Completed' });
    expect(task!.WhatId).toMatch(/^001/);
    const description = String(task!.Description);
    expect(description).toContain('Intercom conversation 101: Question 101');
    expect(description).toContain('Ada Lovelace (user): Where is my invoice? <script>alert(1)</script> thanks');
    expect(description).toContain('Sam (admin): Sent it again just now.');
    expect(description).toContain('[closed the conversation]');
    expect(description).not.toMatch(/<p>|<b>|<i>/);

    const [note] = hsNotesOf('101');
    expect(String(note!.properties.hs_note_body)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(String(note!.properties.hs_note_body)).not.toContain('<script>');
    expect(hs.associations.filter((a) => a.fromId === note!.id).map((a) => a.toId)).toEqual([ada.hs]);
    const [pdNote] = pdNotesOf('101');
    expect(pdNote).toMatchObject({ person_id: ada.pd });
    expect(String(pdNote!.content)).not.toContain('<script>');

    // Intercom redelivers the webhook (and the poll sees the conversation again): nothing more is written.
    const before = writes();
    await signalAll(['101', '101']);
    await settled();
    expect(writes()).toEqual(before);
    expect((await ledger.entries(plans.sf.syncId, '101')).map((e) => e.state)).toEqual(['written']);
  });

  it('a conversation reopened and closed again gets a second Task and note with only its new parts', async () => {
    ic.closeConversation('101', [{ id: '101900', part_type: 'comment', body: '<p>One more thing: the VAT id?</p>', author: { type: 'user', id: ada.ic, name: 'Ada Lovelace' } }]);
    await signalAll(['101']);
    await waitFor(async () => tasksOf('101').length === 2 && hsNotesOf('101').length === 2 && pdNotesOf('101').length === 2, 'the continued transcripts of 101', 30_000);
    const second = tasksOf('101').map((t) => String(t.Description)).find((d) => d.includes('continued'))!;
    expect(second).toContain('One more thing: the VAT id?');
    expect(second).not.toContain('Where is my invoice?');
    await settled();
    expect(tasksOf('101')).toHaveLength(2);
  });

  it('closed conversations are found by polling without a webhook', async () => {
    conversation('102', ada.ic, '<p>Polled, not signalled</p>');
    ic.closeConversation('102');
    await waitFor(async () => tasksOf('102').length === 1 && hsNotesOf('102').length === 1 && pdNotesOf('102').length === 1, 'conversation 102 by polling', 30_000);
  });

  it('a note whose answer was lost (the vendor kept it, the attempt failed) is found by its marker on the retry, before HubSpot search indexes it: one note per CRM', async () => {
    const notePosts = () => ({ hs: hs.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v3/objects/notes').length, pd: pd.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/notes').length });
    const posted = notePosts();
    // HubSpot search is eventually consistent: the retry seconds later must not rely on it to find the note.
    hs.searchLagMs = 120_000;
    onTestFinished(() => void (hs.searchLagMs = 0));
    // The next HubSpot and Pipedrive calls are the note creates (Ada is linked): each is applied, then its connection drops.
    hs.fail({ kind: 'apply_then_drop' });
    pd.fail({ kind: 'apply_then_drop' });
    conversation('105', ada.ic, '<p>Did you get this?</p>');
    ic.closeConversation('105');
    await signalAll(['105']);
    const written = async (syncId: string) => (await ledger.entries(syncId, '105')).find((e) => e.state === 'written');
    await waitFor(async () => (await written(plans.hs.syncId)) && (await written(plans.pd.syncId)), 'conversation 105 recorded written on HubSpot and Pipedrive', 60_000);
    expect(notePosts()).toEqual({ hs: posted.hs + 1, pd: posted.pd + 1 });
    expect(hsNotesOf('105')).toHaveLength(1);
    expect(pdNotesOf('105')).toHaveLength(1);
    expect((await written(plans.hs.syncId))!.recordId).toBe(hsNotesOf('105')[0]!.id);
    expect((await written(plans.pd.syncId))!.recordId).toBe(String(pdNotesOf('105')[0]!.id));
    expect(hs.received('POST', '/crm/v3/objects/notes/search')).toEqual([]);
    await settled();
    expect([hsNotesOf('105').length, pdNotesOf('105').length]).toEqual([1, 1]);
  });

  it('a conversation whose contact has no counterpart is reported, then written once the contact is linked or matches', async () => {
    conversation('103', 'ic-bob', '<p>Who am I?</p>');
    ic.closeConversation('103');
    await signalAll(['103']);
    await waitFor(async () => (await ledger.list(plans.hs.syncId, 'unmatched')).some((e) => e.conversationId === '103') && (await ledger.list(plans.sf.syncId, 'unmatched')).some((e) => e.conversationId === '103'), 'conversation 103 reported unmatched', 30_000);
    const [reported] = await ledger.list(plans.sf.syncId, 'unmatched');
    expect(reported).toMatchObject({ conversationId: '103', contactId: 'ic-bob' });
    expect(String(reported!.detail.reason)).toContain('ic-bob');
    await settled();
    expect(tasksOf('103')).toHaveLength(0);
    expect(hsNotesOf('103')).toHaveLength(0);

    // Salesforce: Bob appears with his email, so the match rule finds him; HubSpot and Pipedrive: the sync links him.
    const bobSf = String(sf.seed('Contact', { LastName: 'Stranger', Email: 'bob@example.com' }).Id);
    const bobHs = hs.seed('contacts', 1, () => ({ properties: { email: 'bob@example.com' } }))[0]!.id;
    const bobPd = pd.seed('person', { name: 'Bob Stranger' }).id;
    await store.syncs.saveCycle(plans.hs.syncId, [{ leftId: 'ic-bob', rightId: bobHs, leftHash: '', rightHash: '', state: {} }], []);
    await store.syncs.saveCycle(plans.pd.syncId, [{ leftId: 'ic-bob', rightId: String(bobPd), leftHash: '', rightHash: '', state: {} }], []);
    await waitFor(async () => tasksOf('103').length === 1 && hsNotesOf('103').length === 1 && pdNotesOf('103').length === 1, 'conversation 103 once its contact has counterparts', 30_000);
    expect(tasksOf('103')[0]).toMatchObject({ WhoId: bobSf });
    expect(pdNotesOf('103')[0]).toMatchObject({ person_id: bobPd });
    await settled();
    expect([tasksOf('103').length, hsNotesOf('103').length, pdNotesOf('103').length]).toEqual([1, 1, 1]);
    expect(await ledger.list(plans.sf.syncId, 'unmatched')).toEqual([]);
  });

  it('a revoked CRM token makes it wait; after reconnecting the transcript is written once', async () => {
    hs.revokeToken('pat-na1-fake');
    conversation('104', ada.ic, '<p>While HubSpot is away</p>');
    ic.closeConversation('104');
    await signalAll(['104']);
    await waitFor(async () => {
      const s = await status('hs');
      return s.phase === 'waiting' && s;
    }, 'the HubSpot conversations workflow waiting', 30_000);
    expect((await store.connections.get('hubspot-main'))?.status).toBe('disconnected');
    await waitFor(async () => tasksOf('104').length === 1 && pdNotesOf('104').length === 1, 'the other CRMs unaffected', 30_000);
    expect(hsNotesOf('104')).toHaveLength(0);

    hs.tokens.set('pat-na1-new', Infinity);
    await store.connections.updateCredentials('hubspot-main', { accessToken: 'pat-na1-new' });
    await waitFor(async () => hsNotesOf('104').length === 1, 'the HubSpot note after reconnecting', 60_000);
    await settled();
    expect(hsNotesOf('104')).toHaveLength(1);
    expect((await status('hs')).phase).toBe('idle');
  });

  it('deleting the sync removes its ledger, and its conversations workflow ends by itself', async () => {
    expect((await ledger.entries(plans.pd.syncId, '101')).length).toBe(2);
    await store.syncs.remove(plans.pd.syncId);
    expect(await ledger.entries(plans.pd.syncId, '101')).toEqual([]);
    await waitFor(async () => (await handle('pd').describe()).status.name === 'COMPLETED', 'the Pipedrive conversations workflow completed', 30_000);
  });
});
