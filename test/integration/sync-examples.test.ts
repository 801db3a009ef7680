import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../connectors/registry';
import { loadRecipeDirectory } from '../../src/runtime/load-recipes';
import { expandRecipePaths, loadDefinitions } from '../../src/runtime/recipe-files';
import { actionCatalog } from '../../connectors/registry';
import { compileSync } from '../../src/recipe/sync-compile';
import { checkSyncFields } from '../../src/recipe/sync-fields';
import { connectionSchemas } from '../../src/sync/side-schemas';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { Store } from '../../src/store/store';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { openTestStore, storeBackends } from '../support/stores';
import { seedVendorConnections } from '../support/vendor-connections';

const dir = path.resolve(__dirname, '../../recipes/syncs');
const files = expandRecipePaths([dir]);

/**
 * The example syncs of issue #16 against the fakes' field schemas (Intercom data attributes,
 * Salesforce describe, HubSpot properties, Pipedrive fields), and the start-up loader that applies them.
 */
describe('example syncs (recipes/syncs)', () => {
  let store: Store;
  let connections: Map<string, string>;
  const fakes = { intercom: new IntercomFake(), salesforce: new SalesforceFake(), hubspot: new HubSpotFake(), pipedrive: new PipedriveFake() };

  beforeAll(async () => {
    for (const fake of Object.values(fakes)) await fake.start();
    store = await openTestStore(storeBackends[0].url());
    connections = await seedVendorConnections(store, { intercom: { fake: fakes.intercom }, salesforce: fakes.salesforce, hubspot: fakes.hubspot, pipedrive: { fake: fakes.pipedrive, webhookPassword: 'pd-hook-secret' } });
  });
  afterAll(async () => {
    await store?.close();
    for (const fake of Object.values(fakes)) await fake.close();
  });

  it('ship the four syncs of the issue, each a sync definition', () => {
    expect(files.map((f) => path.basename(f))).toEqual(['intercom-hubspot-contacts.json', 'intercom-pipedrive-persons.json', 'intercom-salesforce-companies.json', 'intercom-salesforce-contacts.json']);
    expect(loadDefinitions(files, actionCatalog).map((d) => d.kind)).toEqual(['sync', 'sync', 'sync', 'sync']);
  });

  it('each compiles and its mapping checks clean against both sides’ live schemas', async () => {
    const schemas = connectionSchemas(registry, { egressAllow: ['127.0.0.1/32'], connections: store.connections });
    for (const { file, source } of loadDefinitions(files, actionCatalog, connections)) {
      const compiled = compileSync(source, { connections });
      expect(compiled, path.basename(file)).toMatchObject({ ok: true, diagnostics: [] });
      if (!compiled.ok) continue;
      const read = { left: await schemas(compiled.plan.left), right: await schemas(compiled.plan.right) };
      expect(checkSyncFields(compiled.plan, read), path.basename(file)).toEqual([]);
    }
    const hubspot = compileSync(loadDefinitions([path.join(dir, 'intercom-hubspot-contacts.json')], actionCatalog)[0]!.source, { connections });
    expect(hubspot.ok && hubspot.plan.transcripts).toEqual({ to: 'right', as: 'note', on: 'closed', pollMs: 900_000 });
  });

  it('the loader applies all four after the live check (the contacts sync links through the companies sync); a pair the engine does not run is refused, saying so', async () => {
    const schemas = connectionSchemas(registry, { egressAllow: ['127.0.0.1/32'], connections: store.connections });
    const report = await loadRecipeDirectory(store, dir, schemas);
    expect(report.loaded).toEqual([
      { id: 'intercom-hubspot-contacts', change: 'added' },
      { id: 'intercom-pipedrive-persons', change: 'added' },
      { id: 'intercom-salesforce-companies', change: 'added' },
      { id: 'intercom-salesforce-contacts', change: 'added' },
    ]);
    expect(report.skipped).toEqual([]);
    const crmToCrm = compileSync({ kind: 'sync', id: 'sf-hs', left: { connection: 'salesforce-main', object: 'Contact' }, right: { connection: 'hubspot-main', object: 'contacts' }, match: [{ left: 'Email', right: 'email' }], fields: [{ left: 'Email', right: 'email' }] }, { connections });
    expect(crmToCrm.ok ? [] : crmToCrm.diagnostics.map((d) => d.message)).toEqual(['syncs between salesforce and hubspot do not run yet (the engine runs intercom ↔ salesforce, intercom ↔ hubspot, intercom ↔ pipedrive)']);
    expect(await store.syncs.get('intercom-salesforce-companies')).toMatchObject({ version: 1, plan: { left: { object: 'company' }, right: { object: 'Account' }, conflicts: 'rightWins' } });
    const contacts = await store.syncs.get<SyncPlan>('intercom-salesforce-contacts');
    expect(contacts).toMatchObject({ version: 1, plan: { left: { object: 'contact' }, right: { object: 'Contact' }, conflicts: 'newestWins' } });
    expect(contacts?.plan.fields.find((f) => f.transform === 'linked')).toMatchObject({ left: ['companies.data.0.id'], right: ['AccountId'], direction: 'both', params: { via: 'intercom-salesforce-companies' } });
    // Without a schema source a sync is not stored unchecked.
    const unchecked = await loadRecipeDirectory(store, dir);
    expect(unchecked.loaded).toEqual([]);
    expect(unchecked.skipped[2]).toMatch(/intercom-salesforce-companies\.json:kind: a sync is stored only after its fields are checked against both sides/);
  });

  it('a mapping a vendor does not allow is an error naming the field (HubSpot and Pipedrive schemas read from their fakes)', async () => {
    const schemas = connectionSchemas(registry, { egressAllow: ['127.0.0.1/32'], connections: store.connections });
    const base = { kind: 'sync', left: { connection: 'intercom-main', object: 'contact' }, match: [{ left: 'email', right: 'email' }] };
    const hubspot = compileSync({ ...base, id: 'bad-hs', right: { connection: 'hubspot-main', object: 'contacts' }, fields: [{ left: 'name', right: 'firstnme' }, { left: 'phone', right: 'lastmodifieddate' }] }, { connections });
    if (!hubspot.ok) throw new Error(JSON.stringify(hubspot.diagnostics));
    const hsIssues = checkSyncFields(hubspot.plan, { left: await schemas(hubspot.plan.left), right: await schemas(hubspot.plan.right) });
    expect(hsIssues.map((d) => `${d.path}: ${d.message}`)).toEqual(expect.arrayContaining(['fields[0].right: HubSpot contacts has no field "firstnme"', expect.stringMatching(/^fields\[1\]\.right: HubSpot contacts field lastmodifieddate \(datetime\) is read-only/)]));
    const pipedrive = compileSync({ ...base, id: 'bad-pd', right: { connection: 'pipedrive-main', object: 'person' }, match: [{ left: 'email', right: 'emails' }], fields: [{ left: 'custom_attributes.mrr', right: 'open_deals_count' }] }, { connections });
    if (!pipedrive.ok) throw new Error(JSON.stringify(pipedrive.diagnostics));
    const pdIssues = checkSyncFields(pipedrive.plan, { left: await schemas(pipedrive.plan.left), right: await schemas(pipedrive.plan.right) });
    expect(pdIssues.map((d) => `${d.path}: ${d.message}`)).toEqual([expect.stringMatching(/^fields\[0\]\.right: Pipedrive person field open_deals_count \(int\) is read-only/)]);
  });
});
