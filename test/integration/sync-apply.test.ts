import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { loadRecipeDirectory } from '../../src/runtime/load-recipes';
import { applyStoredRecipesAndSyncs } from '../../src/runtime/apply-stored';
import { connectionSchemas } from '../../src/sync/side-schemas';
import { actionCatalog, registry } from '../../connectors/registry';
import { registerRecipeCommands } from '../../src/cli/local/recipe-command';
import { syncSignals, syncWorkflowId } from '../../workflows/sync-contract';
import { call } from '../support/api-harness';
import { startTestEngine, stopEngineAndFakes, type TestEngine } from '../support/engine';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { waitFor } from '../support/temporal';
import { intercomContactsSync, mrrField, salesforceContacts, syncTestRecords } from '../support/sync-definitions';
import { seedVendorConnections } from '../support/vendor-connections';
import { readChangeCursor } from '../../connectors/intercom/change-cursor';

/**
 * Applying a sync runs it (issue #16): the whole engine in-process (API, inbox dispatcher, worker
 * with the real sync workflow and activities, SQLite store) on the shared dev server, against the
 * Intercom and Salesforce fakes, which count every write. PUT starts the workflow, an unchanged PUT
 * leaves it be, a changed one reaches it with its cursors; disable, enable, pause, delete; a signed
 * Intercom webhook feeds the running sync through the one ingest path; deletions unlink; resync
 * and backfill rewrite nothing twice.
 */
const perSide = Math.max(20, Math.round(syncTestRecords / 10));

describe('applying a CRM sync runs it: API, recipes directory, realtime webhooks', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let engine: TestEngine;
  let offset = 0;
  const later = () => (offset += 2);
  const id = 'contacts-live';

  const definition = (extra: Record<string, unknown> = {}) => intercomContactsSync(id, salesforceContacts, { name: 'Intercom users ↔ Salesforce contacts', safetyPoll: '1h', ...extra });
  const api = (method: string, p: string, body?: unknown) => call(engine.api.url, method, p, { token: admin, body });
  const handle = () => engine.client.workflow.getHandle(syncWorkflowId(id));
  const describeRun = async () => {
    const d = await handle().describe();
    return { status: d.status.name, runId: d.runId };
  };
  const detail = async () => (await api('GET', `/api/v1/syncs/${id}`)).body;

  const composite = '/instance/services/data/v62.0/composite/sobjects';
  const recordsIn = (method: string) => sf.received(method, composite).reduce((n, r) => n + ((r.body as { records?: unknown[] } | undefined)?.records?.length ?? 0), 0);
  const patchedIds = () => sf.received('PATCH', composite).flatMap((r) => ((r.body as { records?: { id: string }[] }).records ?? []).map((x) => x.id));
  const writes = () => ({ icCreate: ic.received('POST', '/contacts').length, icUpdate: ic.received('PUT', '/contacts/*').length, sfCreate: recordsIn('POST'), sfUpdate: recordsIn('PATCH') });

  /** Both sides by email. */
  function state() {
    const left = new Map(ic.contacts.filter((c) => c.role === 'user').map((c) => [c.email!.toLowerCase(), c.name]));
    const right = new Map(sf.all('Contact').map((r) => [String(r.Email).toLowerCase(), [r.FirstName, r.LastName].filter(Boolean).join(' ')]));
    return { left, right };
  }
  /** A whole cycle (both sides read) that started after now has ended; the workflow is asked for one with an empty `sync.changes`. */
  async function fullCycle(): Promise<void> {
    const t = new Date().toISOString();
    await handle().signal(syncSignals.changes, { side: 'left', ids: [] });
    await waitFor(
      async () => {
        const w = (await detail()).workflow;
        const s = await detail();
        return w.phase === 'idle' && (s.lastCycle.left ?? '') > t && (s.lastCycle.right ?? '') > t;
      },
      'a full sync cycle',
      30_000,
    );
  }
  const backfilled = async () => {
    const w = (await detail()).workflow;
    return w.phase === 'idle' && w.backfill?.left?.done && w.backfill?.right?.done;
  };

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    ic.clock = () => Math.floor(Date.now() / 1000) + offset;
    sf.clock = () => Date.now() + offset * 1000;
    sf.addCustomField('Contact', { ...mrrField });
    for (let i = 0; i < perSide; i++) {
      const now = ic.clock();
      ic.contacts.push({ type: 'contact', id: `ic${String(i).padStart(5, '0')}`, workspace_id: 'a86dr8yl', role: 'user', email: `ic${i}@example.com`, external_id: null, name: `Ada${i} Intercom`, custom_attributes: {}, created_at: now, updated_at: now });
      sf.seed('Contact', { FirstName: `Grace${i}`, LastName: 'Salesforce', Email: `sf${i}@example.com` });
    }
    engine = await startTestEngine('sync-apply', { SWITCHYARD_ADMIN_TOKEN: admin }, async (store) => {
      await seedVendorConnections(store, { intercom: { fake: ic, clientSecret }, salesforce: sf });
    });
    ic.reset();
    sf.reset();
  }, 120_000);

  afterAll(() => stopEngineAndFakes(engine, syncWorkflowId(id), [ic, sf]));

  it('PUT starts the workflow, which backfills both sides; an unchanged PUT leaves the run as it is; a changed one reaches it with its cursors', async () => {
    const put = await api('PUT', `/api/v1/recipes/${id}`, definition());
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect((await describeRun()).status).toBe('RUNNING');
    await waitFor(backfilled, 'the backfill of both sides', 60_000);
    expect(writes()).toEqual({ icCreate: perSide, icUpdate: 0, sfCreate: perSide, sfUpdate: 0 });
    const { left, right } = state();
    expect(left.size).toBe(2 * perSide);
    expect([...left.entries()].sort()).toEqual([...right.entries()].sort());

    const run = await describeRun();
    const unchanged = await api('PUT', `/api/v1/recipes/${id}`, definition());
    expect(unchanged.body).toMatchObject({ change: 'unchanged', version: 1 });
    expect(await describeRun()).toEqual(run);

    const cursors = (await detail()).cursors;
    const changed = await api('PUT', `/api/v1/recipes/${id}`, definition({ name: 'Users ↔ contacts', safetyPoll: '2h' }));
    expect(changed.body).toMatchObject({ change: 'changed', version: 2 });
    await waitFor(async () => (await detail()).workflow.version === changed.body.hash, 'the workflow to follow the new definition', 30_000);
    expect((await describeRun()).runId).toBe(run.runId);
    const before = writes();
    await fullCycle();
    // The cursors were kept: no second backfill, nothing written.
    expect(writes()).toEqual(before);
    // (An Intercom change cursor is JSON: compare the time it stands at, not the text.)
    expect(readChangeCursor((await detail()).cursors.left.cursor).since).toBeGreaterThanOrEqual(readChangeCursor(cursors.left.cursor).since);
    expect((await detail()).records.linked).toBe(2 * perSide);
  }, 120_000);

  it('a signed Intercom webhook for a contact edit: exactly one write at Salesforce, then silence (the echo is suppressed); a redelivery is a duplicate', async () => {
    const contact = ic.contacts.find((c) => c.email === 'ic3@example.com')!;
    const before = writes();
    later();
    const edited = ic.edit(contact.id, { name: 'Ada Webhook Lovelace' });
    const body = intercomNotification('contact.user.updated', { ...edited });
    const posted = await postIntercomWebhook(engine.api.url, 'intercom-main', body, clientSecret);
    expect(posted.status).toBe(202);
    expect(await posted.json()).toMatchObject({ matched: 0, syncs: [id] });
    await waitFor(async () => state().right.get('ic3@example.com') === 'Ada Webhook Lovelace', 'the edit to reach Salesforce', 30_000);
    expect(writes()).toEqual({ ...before, sfUpdate: before.sfUpdate + 1 });
    await fullCycle();
    expect(writes()).toEqual({ ...before, sfUpdate: before.sfUpdate + 1 });
    expect((await postIntercomWebhook(engine.api.url, 'intercom-main', body, clientSecret)).status).toBe(200);
    await fullCycle();
    expect(writes()).toEqual({ ...before, sfUpdate: before.sfUpdate + 1 });
  }, 60_000);

  it('a record deleted on one side: no write to it, its link removed, the unlink in the record history', async () => {
    const contact = ic.contacts.find((c) => c.email === 'ic5@example.com')!;
    const [link] = (await engine.store.syncs.links(id, 'left', [contact.id])).values();
    expect(link).toBeDefined();
    sf.remove(link!.rightId);
    const before = writes();
    later();
    const edited = ic.edit(contact.id, { name: 'Ada Orphan' });
    expect((await postIntercomWebhook(engine.api.url, 'intercom-main', intercomNotification('contact.user.updated', { ...edited }), clientSecret)).status).toBe(202);
    await waitFor(async () => (await engine.store.syncs.links(id, 'left', [contact.id])).size === 0, 'the link to be removed', 30_000);
    await fullCycle();
    expect(patchedIds()).not.toContain(link!.rightId);
    expect(writes()).toEqual(before);
    const records = await api('GET', `/api/v1/syncs/${id}/records?status=unlink`);
    expect(records.status).toBe(200);
    expect(records.body.records).toHaveLength(1);
    // Its whole history, newest first: unlinked after it was created from the Intercom contact.
    expect(records.body.records[0]).toMatchObject({ key: `right:${link!.rightId}`, status: 'unlink' });
    expect(records.body.records[0].history.map((e: { kind: string; otherId: string }) => [e.kind, e.otherId])).toEqual([
      ['unlink', contact.id],
      ['create', contact.id],
    ]);
    expect((await detail()).records.linked).toBe(2 * perSide - 1);
  }, 60_000);

  it('an Intercom contact.deleted webhook: the link comes apart at once, recorded on the Intercom side; nothing is written or deleted in Salesforce', async () => {
    const contact = ic.contacts.find((c) => c.email === 'ic9@example.com')!;
    const [link] = (await engine.store.syncs.links(id, 'left', [contact.id])).values();
    expect(link).toBeDefined();
    ic.contacts.splice(ic.contacts.indexOf(contact), 1);
    const before = writes();
    const posted = await postIntercomWebhook(engine.api.url, 'intercom-main', intercomNotification('contact.deleted', { type: 'contact', id: contact.id }), clientSecret);
    expect(await posted.json()).toMatchObject({ syncs: [id] });
    await waitFor(async () => (await engine.store.syncs.links(id, 'left', [contact.id])).size === 0, 'the link to be removed', 30_000);
    await fullCycle();
    expect(writes()).toEqual(before);
    expect(sf.find(link!.rightId)).toBeDefined();
    const unlinked = await api('GET', `/api/v1/syncs/${id}/records?status=unlink`);
    const record = unlinked.body.records.find((r: { key: string }) => r.key === `left:${contact.id}`);
    expect(record).toMatchObject({ status: 'unlink' });
    expect(record.history[0]).toMatchObject({ kind: 'unlink', side: 'left', recordId: contact.id, otherId: link!.rightId, detail: { reason: 'deleted' } });
  }, 60_000);

  it('POST …/records/:key/resync rewrites that record once; POST …/backfill reads both sides again and creates nothing twice', async () => {
    // The Intercom copy drifted without its feed saying so (no updated_at change): only a resync of the Salesforce record brings it back.
    const record = sf.all('Contact').find((r) => r.Email === 'sf7@example.com')!;
    const [link] = (await engine.store.syncs.links(id, 'right', [record.Id])).values();
    ic.contacts.find((c) => c.id === link!.leftId)!.name = 'Drifted Copy';
    let before = writes();
    const resync = await api('POST', `/api/v1/syncs/${id}/records/${encodeURIComponent(`right:${record.Id}`)}/resync`);
    expect(resync.status).toBe(202);
    await waitFor(async () => state().left.get('sf7@example.com') === 'Grace7 Salesforce', 'the resync write', 30_000);
    await fullCycle();
    expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
    expect(ic.received('PUT', '/contacts/*').at(-1)!.path).toContain(link!.leftId);

    before = writes();
    const linked = (await detail()).records.linked;
    const t = new Date().toISOString();
    expect((await api('POST', `/api/v1/syncs/${id}/backfill`)).status).toBe(202);
    await waitFor(async () => {
      const s = await detail();
      return (await backfilled()) && (s.lastCycle.left ?? '') > t && (s.lastCycle.right ?? '') > t;
    }, 'the second backfill', 60_000);
    // Every pair found by its link: nothing created twice. The two records whose counterparts were
    // deleted above are created again on the other side (as HubSpot's sync does), once each.
    expect(writes()).toEqual({ ...before, sfCreate: before.sfCreate + 1, icCreate: before.icCreate + 1 });
    expect((await detail()).records.linked).toBe(linked + 2);
    const { left, right } = state();
    expect(left.size).toBe(2 * perSide);
    expect([...left.entries()].sort()).toEqual([...right.entries()].sort());
  }, 120_000);

  it('pause and resume keep the run; disable cancels it, enable starts it again from its cursors; PUT with enabled false cancels; DELETE cancels', async () => {
    const run = await describeRun();
    expect((await api('POST', `/api/v1/syncs/${id}/pause`)).body).toMatchObject({ paused: true, signalled: true });
    await waitFor(async () => (await detail()).workflow.phase === 'paused', 'paused', 30_000);
    expect((await api('POST', `/api/v1/syncs/${id}/resume`)).body).toMatchObject({ paused: false, signalled: true });
    await waitFor(async () => (await detail()).workflow.phase === 'idle', 'resumed', 30_000);
    expect(await describeRun()).toEqual(run);

    const disabled = await api('POST', `/api/v1/syncs/${id}/disable`);
    expect(disabled.body).toMatchObject({ enabled: false, workflow: 'cancelled' });
    expect((await describeRun()).status).toBe('CANCELLED');
    const before = writes();
    expect((await api('POST', `/api/v1/syncs/${id}/enable`)).body).toMatchObject({ enabled: true, workflow: 'started' });
    expect((await describeRun()).status).toBe('RUNNING');
    await fullCycle();
    expect(writes()).toEqual(before);

    const off = await api('PUT', `/api/v1/recipes/${id}`, definition({ name: 'Users ↔ contacts', safetyPoll: '2h', enabled: false }));
    expect(off.body).toMatchObject({ change: 'changed', enabled: false });
    expect((await describeRun()).status).toBe('CANCELLED');
    expect((await api('PUT', `/api/v1/recipes/${id}`, definition({ name: 'Users ↔ contacts', safetyPoll: '2h' }))).body).toMatchObject({ change: 'changed', enabled: true });
    expect((await describeRun()).status).toBe('RUNNING');

    expect((await api('DELETE', `/api/v1/syncs/${id}`)).status).toBe(204);
    expect((await describeRun()).status).toBe('CANCELLED');
  }, 120_000);

  it('the recipes directory at start and `recipe apply --prune`: a loaded sync is started, the same one again keeps its run, a pruned one is cancelled', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-sync-dir-'));
    const dirId = 'contacts-from-dir';
    writeFileSync(path.join(dir, `${dirId}.json`), JSON.stringify({ ...definition(), id: dirId, create: { left: false, right: false } }));
    const { store, client, config } = engine;
    const schemas = connectionSchemas(registry, { egressAllow: config.SWITCHYARD_EGRESS_ALLOW, connections: store.connections });
    const report = await loadRecipeDirectory(store, dir, schemas);
    expect(report).toEqual({ loaded: [{ id: dirId, change: 'added' }], skipped: [], waiting: [] });
    expect((await applyStoredRecipesAndSyncs(store, client, config.TEMPORAL_TASK_QUEUE)).get(dirId)).toBe('started');
    expect((await client.workflow.getHandle(syncWorkflowId(dirId)).describe()).status.name).toBe('RUNNING');
    // The next start: the same definition, the same run.
    expect((await applyStoredRecipesAndSyncs(store, client, config.TEMPORAL_TASK_QUEUE)).get(dirId)).toBe('signalled');

    // `switchyard recipe apply --prune` of a directory without it: removed from the store, its workflow cancelled; the new one started.
    const next = mkdtempSync(path.join(tmpdir(), 'switchyard-sync-dir-'));
    const nextId = 'contacts-pruned-in';
    writeFileSync(path.join(next, `${nextId}.json`), JSON.stringify({ ...definition(), id: nextId, create: { left: false, right: false } }));
    const out: string[] = [];
    const program = new Command().exitOverride();
    registerRecipeCommands(program, {
      catalog: () => actionCatalog,
      openStore: async () => ({ recipes: store.recipes, syncs: store.syncs, schemas, connections: new Map((await store.connections.list()).map((c) => [c.id, c.connector])), close: async () => undefined }),
      afterApply: async (removed) => {
        for (const [syncId, outcome] of await applyStoredRecipesAndSyncs(store, client, config.TEMPORAL_TASK_QUEUE, removed)) out.push(`${syncId}: ${outcome}`);
      },
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    });
    const exitCode = process.exitCode;
    await program.parseAsync(['node', 'switchyard', 'recipe', 'apply', next, '--prune']);
    expect(process.exitCode).toBe(0);
    process.exitCode = exitCode;
    expect(out).toEqual(expect.arrayContaining([`+ sync ${nextId} added (v1)`, `- sync ${dirId} removed`, `${dirId}: cancelled`, `${nextId}: started`]));
    expect((await client.workflow.getHandle(syncWorkflowId(dirId)).describe()).status.name).toBe('CANCELLED');
    expect((await client.workflow.getHandle(syncWorkflowId(nextId)).describe()).status.name).toBe('RUNNING');
    await store.syncs.remove(nextId);
    expect((await applyStoredRecipesAndSyncs(store, client, config.TEMPORAL_TASK_QUEUE, [nextId])).get(nextId)).toBe('cancelled');
  }, 60_000);
});
