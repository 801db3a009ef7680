import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { IntercomFake } from '../../sandbox/intercom-fake';
import type { FakeServer } from '../../sandbox/fake-server';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import { syncWorkflowId } from '../../workflows/sync-contract';
import { call } from '../support/api-harness';
import { hubspotBatchInputs, pipedriveLive } from '../support/crm-records';
import { startTestEngine, stopEngineAndFakes, type TestEngine } from '../support/engine';
import { fullSyncCycle, syncBackfilled } from '../support/sync-cycle';
import { waitFor } from '../support/temporal';
import { seedVendorConnections, type VendorConnections } from '../support/vendor-connections';

/** A company as the test compares it on either side. */
interface Values {
  website: string | null;
  size: number | null;
}

/** A CRM's company object on the right of an Intercom companies sync, with its fake and webhooks. */
interface CompanyCrm {
  /** Also names its connection, `<label in lower case>-main`. */
  label: string;
  object: string;
  /** On the real clock: a person's edit may come in the second the sync wrote (the feeds tell the two apart since 9e9770c). */
  fake: Pick<FakeServer, 'start' | 'close'>;
  /** Its connection (called once the fake started: it may make the custom fields the sync maps). */
  vendors(): VendorConnections;
  /** The sync's field mappings for Intercom's name, website and size (read after `vendors`). */
  fields(): Record<string, unknown>[];
  listen(url: string): void;
  seed(name: string, v: Values): void;
  /** Every company by name. */
  state(): Map<string, Values>;
  idOf(name: string): string;
  /** A person changes a company's size in the CRM; resolves when the vendor's webhook for it was accepted. */
  editSize(id: string, size: number): Promise<void>;
  /** Every webhook the vendor sends by itself (for API writes) has been answered. */
  settled(): boolean;
  writes(): { create: number; update: number };
}

const hs = new HubSpotFake();
const hubspotCompanies: CompanyCrm = {
  label: 'HubSpot',
  object: 'companies',
  fake: hs,
  vendors: () => ({ hubspot: hs }),
  fields: () => [
    { left: 'name', right: 'name' },
    { left: 'website', right: 'domain' },
    { left: 'size', right: 'numberofemployees' },
  ],
  listen: (url) => void (hs.webhookUrl = url),
  seed: (name, v) => void hs.seed('companies', 1, () => ({ properties: { name, domain: v.website ?? '', numberofemployees: v.size === null ? '' : String(v.size) } })),
  state: () => new Map([...hs.records.companies.values()].map((r) => [r.properties.name!, { website: r.properties.domain || null, size: r.properties.numberofemployees ? Number(r.properties.numberofemployees) : null }])),
  idOf: (name) => hs.find('companies', 'name', name)!.id,
  async editSize(id, size) {
    expect(await hs.edit('companies', id, { numberofemployees: String(size) })).toBe(202);
  },
  settled: () => true,
  writes: () => ({ create: hubspotBatchInputs(hs, 'companies', 'create'), update: hubspotBatchInputs(hs, 'companies', 'update') + hs.received('PATCH', '/crm/v3/objects/companies/*').length }),
};

const pd = new PipedriveFake();
const webhookPassword = 'pd-hook-secret';
/** The custom fields Pipedrive organizations keep website and size in (keys set when the fake starts). */
const keys = { website: '', size: '' };
const orgApiWrites = () => pd.received('POST', '/api/v2/organizations').length + pd.received('PATCH', '/api/v2/organizations/*').length;
const custom = (r: Record<string, unknown>) => r.custom_fields as Record<string, string | number | undefined>;
const pipedriveOrganizations: CompanyCrm = {
  label: 'Pipedrive',
  object: 'organization',
  fake: pd,
  vendors() {
    keys.website = pd.addCustomField('organization', 'Website', 'varchar').key;
    keys.size = pd.addCustomField('organization', 'Employees', 'int').key;
    return { pipedrive: { fake: pd, webhookPassword } };
  },
  fields: () => [
    { left: 'name', right: 'name' },
    { left: 'website', right: `custom_fields.${keys.website}` },
    { left: 'size', right: `custom_fields.${keys.size}` },
  ],
  listen: (url) => void (pd.webhookTarget = { url, user: 'switchyard', password: webhookPassword }),
  seed: (name, v) => void pd.seed('organization', { name, custom_fields: { [keys.website]: v.website, [keys.size]: v.size } }),
  state: () => new Map(pipedriveLive(pd, 'organization').map((r) => [r.name as string, { website: (custom(r)[keys.website] as string | undefined) ?? null, size: (custom(r)[keys.size] as number | undefined) ?? null }])),
  idOf: (name) => String(pipedriveLive(pd, 'organization').find((r) => r.name === name)!.id),
  async editSize(id, size) {
    await pd.edit('organization', Number(id), { custom_fields: { [keys.size]: size } });
    expect(pd.deliveries.at(-1)).toMatchObject({ topic: 'organization.change', status: 202 });
  },
  settled: () => pd.deliveries.filter((d) => (JSON.parse(d.body) as { meta: { change_source: string } }).meta.change_source === 'api').length === orgApiWrites(),
  writes: () => ({ create: pd.received('POST', '/api/v2/organizations').length, update: pd.received('PATCH', '/api/v2/organizations/*').length }),
};

/**
 * Intercom companies ↔ a CRM's companies (issue #16) through the whole engine in-process on the
 * dev server: applied through the API (both sides' live field schemas checked), a realtime sync
 * with a one-hour safety poll. The backfill matches by name and creates the rest both ways; a
 * person's edit in the CRM arrives as the vendor's webhook (`company.propertyChange`,
 * `organization.change`) and makes exactly one write at Intercom; an Intercom edit makes exactly
 * one write at the CRM; the echoes make none.
 */
function describeCompanySync(crm: CompanyCrm): void {
  const id = `ic-${crm.label.toLowerCase()}-companies`;
  const connection = `${crm.label.toLowerCase()}-main`;

  describe(`company sync: Intercom companies ↔ ${crm.label} ${crm.object}`, () => {
    const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
    const ic = new IntercomFake();
    let engine: TestEngine;
    const api = (method: string, p: string, body?: unknown) => call(engine.api.url, method, p, { token: admin, body });
    const detail = async () => (await api('GET', `/api/v1/syncs/${id}`)).body;
    const fullCycle = () => fullSyncCycle(engine.client, id, detail);
    const quiet = () => waitFor(async () => crm.settled() && (await engine.store.inbox.stats()).depth === 0 && (await detail()).workflow.phase === 'idle', `${crm.label}'s webhooks to be handled`, 30_000);
    const writes = () => {
      const w = crm.writes();
      return { icCreate: ic.received('POST', '/companies').length, icUpdate: ic.received('PUT', '/companies/*').length, crmCreate: w.create, crmUpdate: w.update };
    };
    const intercomState = () => new Map(ic.companies.map((c) => [c.name!, { website: c.website ?? null, size: c.size ?? null }]));
    /** An Intercom company, with a user unless told, changed now. */
    const addIntercom = (n: string, name: string, v: Values, users = 1) => {
      const at = ic.clock();
      ic.companies.push({ type: 'company', id: `co-${n}`, company_id: `acme-${n}`, name, ...(v.website ? { website: v.website } : {}), ...(v.size !== null ? { size: v.size } : {}), created_at: at, updated_at: at, user_count: users, custom_attributes: {} });
    };

    beforeAll(async () => {
      await ic.start();
      await crm.fake.start();
      const vendors = crm.vendors();
      for (let i = 0; i < 3; i++) {
        addIntercom(String(i), `Acme${i}`, { website: `acme${i}.example`, size: 10 + i });
        crm.seed(`Globex${i}`, { website: `globex${i}.example`, size: 20 + i });
      }
      addIntercom('shared', 'Shared Co', { website: 'shared.example', size: 5 });
      crm.seed('Shared Co', { website: 'shared.example', size: 5 });
      engine = await startTestEngine(`companies-${crm.label.toLowerCase()}`, { SWITCHYARD_ADMIN_TOKEN: admin }, async (store) => {
        await seedVendorConnections(store, { intercom: { fake: ic }, ...vendors });
      });
      crm.listen(`${engine.api.url}/hooks/${connection}`);
    }, 120_000);

    afterAll(() => stopEngineAndFakes(engine, syncWorkflowId(id), [ic, crm.fake]));

    it('applied through the API (live schemas), it backfills both ways: the shared company matched by name, the others created once', async () => {
      const put = await api('PUT', `/api/v1/recipes/${id}`, {
        id,
        kind: 'sync',
        left: { connection: 'intercom-main', object: 'company' },
        right: { connection, object: crm.object },
        match: [{ left: 'name', right: 'name' }],
        fields: crm.fields(),
        direction: 'both',
        frequency: 'realtime',
        safetyPoll: '1h',
        conflicts: 'newestWins',
        create: { left: true, right: true },
        onDuplicate: 'report',
      });
      expect(put.status, JSON.stringify(put.body)).toBe(201);
      await syncBackfilled(detail);
      await quiet();
      expect(writes()).toEqual({ icCreate: 3, icUpdate: 0, crmCreate: 3, crmUpdate: 0 });
      expect([...crm.state().entries()].sort()).toEqual([...intercomState().entries()].sort());
      expect(crm.state().size).toBe(7);
      await fullCycle();
      expect(writes()).toEqual({ icCreate: 3, icUpdate: 0, crmCreate: 3, crmUpdate: 0 });
    }, 90_000);

    it(`a person's edit in ${crm.label}: its webhook makes exactly one write at Intercom, then silence`, async () => {
      const before = writes();
      await crm.editSize(crm.idOf('Acme1'), 77);
      await waitFor(async () => intercomState().get('Acme1')?.size === 77, 'the edit to reach Intercom', 30_000);
      expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
      await quiet();
      await fullCycle();
      expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
    }, 60_000);

    /** Changes in Intercom, each making exactly one write of `kind` at the CRM that leaves company `name` as `want`; its echo and the next cycle make none. */
    const intercomChanges = [
      { title: `an Intercom edit makes exactly one write at ${crm.label}; its echo makes none back`, change: () => void ic.edit('co-2', { website: 'acme-two.example' }), name: 'Acme2', want: { website: 'acme-two.example', size: 12 }, kind: 'crmUpdate' },
      { title: `an Intercom company without contacts (POST /companies/list leaves it out) is created once at ${crm.label}`, change: () => addIntercom('lonely', 'Lonely Co', { website: 'lonely.example', size: 3 }, 0), name: 'Lonely Co', want: { website: 'lonely.example', size: 3 }, kind: 'crmCreate' },
    ] as const;
    for (const c of intercomChanges) {
      it(c.title, async () => {
        const before = writes();
        c.change();
        await fullCycle();
        expect(crm.state().get(c.name)).toEqual(c.want);
        const after = { ...before, [c.kind]: before[c.kind] + 1 };
        expect(writes()).toEqual(after);
        await quiet();
        await fullCycle();
        expect(writes()).toEqual(after);
      }, 60_000);
    }
  });
}

describeCompanySync(hubspotCompanies);
describeCompanySync(pipedriveOrganizations);
