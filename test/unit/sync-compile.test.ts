import Ajv2020 from 'ajv/dist/2020';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/local/recipe-command';
import { syncJsonSchema } from '../../src/recipe/json-schema';
import { sideMerge } from '../../activities/sync-sides';
import { compileSync } from '../../src/recipe/sync-compile';
import { checkSyncFields, intercomKind, salesforceKind, type SideField, type SideSchema } from '../../src/recipe/sync-fields';
import { testCatalog } from '../support/test-catalog';

/** The example of issue #16. */
const issueSync = {
  id: 'intercom-salesforce-contacts',
  kind: 'sync',
  left: { connection: 'intercom-main', object: 'contact', filter: { role: 'user' } },
  right: { connection: 'salesforce-main', object: 'Contact' },
  match: [{ left: 'email', right: 'Email' }],
  fields: [
    { left: 'name', right: ['FirstName', 'LastName'], transform: 'splitName', direction: 'both' },
    { left: 'custom_attributes.plan_type', right: 'Subscription_Tier__c', direction: 'both' },
    { left: 'custom_attributes.mrr', right: 'Monthly_Revenue__c', direction: 'rightToLeft' },
    { left: 'owner_id', right: 'OwnerId', direction: 'rightToLeft', lookup: 'users' },
  ],
  lookups: { users: [{ left: 991267, right: '005gK0000012345' }] },
  direction: 'both',
  frequency: 'realtime',
  safetyPoll: '15m',
  conflicts: 'newestWins',
  create: { left: false, right: true },
  onDuplicate: 'report',
};

const connections = new Map([
  ['intercom-main', 'intercom'],
  ['salesforce-main', 'salesforce'],
  ['slack-main', 'slack'],
]);

const errorsOf = (source: unknown) => {
  const r = compileSync(source, { connections });
  return r.diagnostics.map((d) => `${d.path}: ${d.message}${d.suggestion ? ` (${d.suggestion})` : ''}`);
};

describe('sync compiler', () => {
  it('compiles the issue’s example into a deterministic plan', () => {
    const a = compileSync(issueSync, { connections });
    const b = compileSync(JSON.parse(JSON.stringify(issueSync)), { connections });
    expect(a.diagnostics).toEqual([]);
    if (!a.ok || !b.ok) throw new Error('not compiled');
    expect(a.plan).toEqual(b.plan);
    expect(a.plan).toMatchObject({
      kind: 'sync',
      syncId: 'intercom-salesforce-contacts',
      left: { connection: 'intercom-main', connector: 'intercom', object: 'contact', filter: { role: 'user' } },
      right: { connection: 'salesforce-main', connector: 'salesforce', object: 'Contact', filter: {} },
      frequency: 'realtime',
      pollMs: 900_000,
      conflicts: 'newestWins',
      create: { left: false, right: true },
      connections: ['intercom-main', 'salesforce-main'],
    });
    expect(a.plan.fields).toEqual([
      { id: 'fields[0]', left: ['name'], right: ['FirstName', 'LastName'], transform: 'splitName', params: {}, direction: 'both' },
      { id: 'fields[1]', left: ['custom_attributes.plan_type'], right: ['Subscription_Tier__c'], transform: 'copy', params: {}, direction: 'both' },
      { id: 'fields[2]', left: ['custom_attributes.mrr'], right: ['Monthly_Revenue__c'], transform: 'copy', params: {}, direction: 'rightToLeft' },
      { id: 'fields[3]', left: ['owner_id'], right: ['OwnerId'], transform: 'lookup', params: { pairs: [{ left: '991267', right: '005gK0000012345' }] }, direction: 'rightToLeft' },
    ]);
  });

  it('reports every problem with its JSON path and a did-you-mean', () => {
    const bad = {
      ...issueSync,
      conflicts: 'newestWin',
      left: { ...issueSync.left, conection: 'x' },
      right: { connection: 'salesforce-mian', object: 'Contact' },
      fields: [
        { left: 'name', right: 'LastName', transform: 'splitName' },
        { left: 'owner_id', right: 'OwnerId', lookup: 'user' },
        { left: 'custom_attributes.tier', right: 'Tier__c', transform: 'map', values: { pro: 'Pro', team: 'Pro' } },
        { left: 'email', right: 'Email', tranform: 'copy' },
        { left: 'phone', right: 'Phone', direction: 'leftToRight' },
        { left: 'external_id', right: 'Phone' },
      ],
      safetyPoll: '30s',
    };
    expect(errorsOf(bad)).toEqual([
      'left.conection: unknown field "conection" (did you mean "connection"?)',
      'conflicts: expected one of "newestWins", "leftWins", "rightWins", got string "newestWin" (did you mean "newestWins"?)',
      'right.connection: unknown connection "salesforce-mian" (did you mean "salesforce-main"?)',
      'fields[0].right: transform "splitName" takes 2 right fields, got 1 (e.g. ["FirstName", "LastName"])',
      'fields[1].lookup: unknown lookup table "user" (did you mean "users"?)',
      'fields[2].values.team: right value "Pro" is also the value of "pro": the reverse direction could not tell them apart',
      'fields[3].tranform: unknown field "tranform" (did you mean "transform"?)',
      'fields[5].right: right field "Phone" is already written by fields[4]',
      'safetyPoll: poll interval 30s is too short: the minimum is 1m',
    ]);
  });

  it('refuses connections of the wrong kind, objects a connector lacks and pairs the engine does not run', () => {
    expect(errorsOf({ ...issueSync, left: { connection: 'slack-main', object: 'contact' } })).toEqual([
      'left.connection: connection "slack-main" is a slack connection, which has no records to sync (syncs work with intercom, salesforce, hubspot, pipedrive)',
    ]);
    expect(errorsOf({ ...issueSync, left: { connection: 'intercom-main', object: 'contacts' } })).toEqual(['left.object: intercom has no object "contacts" to sync (did you mean "contact"?)']);
    expect(errorsOf({ ...issueSync, direction: 'rightToLeft', fields: [issueSync.fields[2]] })).toEqual(['create.right: the sync flows rightToLeft, so it never creates records on the right']);
    expect(errorsOf({ ...issueSync, kind: 'recipe' })).toEqual(['kind: a sync definition needs "kind": "sync"']);
  });

  it('onDuplicate "merge": every side records are matched into must be able to merge, named in the diagnostic with a way out', () => {
    const crm = new Map([...connections, ['hubspot-main', 'hubspot'], ['pipedrive-main', 'pipedrive']]);
    const errors = (source: unknown) => compileSync(source, { connections: crm }).diagnostics.map((d) => `${d.path}: ${d.message}${d.suggestion ? ` (${d.suggestion})` : ''}`);
    const hubspot = { ...issueSync, onDuplicate: 'merge', right: { connection: 'hubspot-main', object: 'contacts' }, match: [{ left: 'email', right: 'email' }], fields: [{ left: 'name', right: 'firstname' }], lookups: undefined };
    // Both ways: records are matched into Intercom too, which cannot merge two contacts.
    expect(errors(hubspot)).toEqual([
      'onDuplicate: the left side (intercom contact) cannot merge duplicates: Intercom merges only a lead into a user, never two contacts or companies, and with direction "both" records are matched into the left side, where duplicates are found (use "onDuplicate": "report", or "direction": "leftToRight" so records are only matched into hubspot contacts)',
    ]);
    // One way into HubSpot: duplicates are only ever found (and merged) there.
    const oneWay = compileSync({ ...hubspot, direction: 'leftToRight', create: { right: true } }, { connections: crm });
    expect(oneWay.diagnostics).toEqual([]);
    expect(oneWay.ok && oneWay.plan.onDuplicate).toBe('merge');
    expect(errors({ ...hubspot, direction: 'leftToRight', create: { right: true }, right: { connection: 'hubspot-main', object: 'deals' }, match: [{ left: 'name', right: 'dealname' }], fields: [{ left: 'name', right: 'dealname' }] })).toEqual([
      'onDuplicate: the right side (hubspot deals) cannot merge duplicates: hubspot merges contacts and companies only, and with direction "leftToRight" records are matched into the right side, where duplicates are found (use "onDuplicate": "report")',
    ]);
    expect(errors({ ...hubspot, direction: 'rightToLeft', create: { left: true }, right: { connection: 'pipedrive-main', object: 'person' }, match: [{ left: 'email', right: 'emails' }], fields: [{ left: 'name', right: 'name' }] })).toEqual([
      'onDuplicate: the left side (intercom contact) cannot merge duplicates: Intercom merges only a lead into a user, never two contacts or companies, and with direction "rightToLeft" records are matched into the left side, where duplicates are found (use "onDuplicate": "report")',
    ]);
    // Salesforce has no merge in its REST API: both sides are named.
    expect(errors({ ...issueSync, onDuplicate: 'merge' })).toEqual([
      'onDuplicate: the left side (intercom contact) cannot merge duplicates: Intercom merges only a lead into a user, never two contacts or companies, and with direction "both" records are matched into the left side, where duplicates are found (use "onDuplicate": "report")',
      'onDuplicate: the right side (salesforce Contact) cannot merge duplicates: the Salesforce REST API has no merge, and with direction "both" records are matched into the right side, where duplicates are found (use "onDuplicate": "report")',
    ]);
    expect(errors({ ...issueSync, onDuplicate: 'merged' })[0]).toMatch(/^onDuplicate: .*(did you mean "merge"\?)/);
  });

  it('onDuplicate "merge" is accepted into exactly the sides the worker can merge (a side without a merge must be refused)', () => {
    const crm = new Map([...connections, ['hubspot-main', 'hubspot'], ['pipedrive-main', 'pipedrive']]);
    const crmSides = [
      ['salesforce-main', 'Contact'],
      ['salesforce-main', 'Account'],
      ['hubspot-main', 'contacts'],
      ['hubspot-main', 'companies'],
      ['hubspot-main', 'deals'],
      ['pipedrive-main', 'person'],
      ['pipedrive-main', 'organization'],
      ['pipedrive-main', 'deal'],
    ] as const;
    // Records matched one way into each side: a CRM side from Intercom contacts, an Intercom side from Salesforce contacts.
    const into = [
      ...crmSides.map(([connection, object]) => ({ direction: 'leftToRight', create: { right: true }, left: { connection: 'intercom-main', object: 'contact' }, right: { connection, object } })),
      ...['contact', 'company'].map((object) => ({ direction: 'rightToLeft', create: { left: true }, left: { connection: 'intercom-main', object }, right: { connection: 'salesforce-main', object: 'Contact' } })),
    ];
    const verdicts = into.map((sync) => {
      const side = sync.direction === 'leftToRight' ? sync.right : sync.left;
      const compiled = compileSync({ ...issueSync, ...sync, onDuplicate: 'merge', match: [{ left: 'name', right: 'name' }], fields: [{ left: 'name', right: 'name' }], lookups: undefined }, { connections: crm });
      const refusals = compiled.diagnostics.filter((d) => d.path === 'onDuplicate');
      // Nothing else may be wrong with the definition, or a refusal could hide behind another error.
      expect(compiled.diagnostics.filter((d) => d.path !== 'onDuplicate')).toEqual([]);
      return { side: `${crm.get(side.connection)} ${side.object}`, accepted: refusals.length === 0, merges: sideMerge({ connector: crm.get(side.connection)!, object: side.object }) !== undefined };
    });
    expect(verdicts.filter((v) => v.accepted).map((v) => v.side)).toEqual(['hubspot contacts', 'hubspot companies', 'pipedrive person', 'pipedrive organization']);
    for (const v of verdicts) expect(v, v.side).toMatchObject({ merges: v.accepted });
  });

  it('schemas/sync.schema.json is the generated schema, and the issue’s example validates against it', () => {
    const committed = JSON.parse(readFileSync(path.resolve(__dirname, '../../schemas/sync.schema.json'), 'utf8'));
    expect(committed).toEqual(syncJsonSchema());
    const validate = new Ajv2020({ strict: false }).compile(committed);
    expect([validate(issueSync), validate.errors ?? null]).toEqual([true, null]);
    expect(validate({ ...issueSync, conflicts: 'sometimes' })).toBe(false);
  });

  it('`recipe check` compiles sync files beside recipes and prints file:path: message', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sync-check-'));
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(issueSync));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...issueSync, id: 'bad', match: [] }));
    const out: string[] = [];
    const err: string[] = [];
    expect(await checkCommand([dir], testCatalog, (l) => out.push(l), (l) => err.push(l))).toBe(1);
    expect(err).toEqual([`${path.join(dir, 'bad.json')}:match: a sync needs at least one match rule, e.g. { "left": "email", "right": "Email" }`]);
    expect(out).toEqual(['0 recipes and 2 syncs checked: 1 error, 0 warnings']);
  });
});

const field = (name: string, kind: SideField['kind'], vendorType: string, more: Partial<SideField> = {}): [string, SideField] => [name, { name, kind, vendorType, createable: true, updateable: true, ...more }];

describe('sync mapping against each side’s schema', () => {
  const intercom: SideSchema = {
    label: 'Intercom contact',
    fields: new Map([
      field('email', 'string', 'string'),
      field('name', 'string', 'string'),
      field('owner_id', intercomKind('integer'), 'integer'),
      field('custom_attributes.plan_type', 'string', 'string'),
      field('custom_attributes.mrr', intercomKind('float'), 'float'),
    ]),
  };
  const salesforce: SideSchema = {
    label: 'Salesforce Contact',
    fields: new Map([
      field('Email', salesforceKind('email'), 'email'),
      field('FirstName', 'string', 'string'),
      field('LastName', 'string', 'string'),
      field('Subscription_Tier__c', salesforceKind('picklist'), 'picklist', { picklist: ['Free', 'Pro'] }),
      field('Monthly_Revenue__c', salesforceKind('currency'), 'currency'),
      field('LeadSource', 'string', 'picklist', { picklist: ['Web', 'Phone'] }),
      field('OwnerId', salesforceKind('reference'), 'reference'),
      field('CreatedDate', salesforceKind('datetime'), 'datetime', { createable: false, updateable: false }),
    ]),
  };

  it('accepts the issue’s mapping', () => {
    const r = compileSync(issueSync, { connections });
    if (!r.ok) throw new Error('not compiled');
    expect(checkSyncFields(r.plan, { left: intercom, right: salesforce })).toEqual([]);
  });

  it('names unknown fields, read-only targets, type mismatches and picklist values', () => {
    const r = compileSync(
      {
        ...issueSync,
        match: [{ left: 'email', right: 'Emial' }],
        fields: [
          { left: 'name', right: ['FirstName', 'LastNam'], transform: 'splitName' },
          { left: 'custom_attributes.mrr', right: 'Subscription_Tier__c', direction: 'leftToRight' },
          { left: 'custom_attributes.plan_type', right: 'CreatedDate', direction: 'leftToRight', transform: 'datetime' },
          { left: 'custom_attributes.plan_type', right: 'Monthly_Revenue__c', direction: 'rightToLeft', transform: 'number' },
          { left: 'email', right: 'LeadSource', direction: 'leftToRight', transform: 'map', values: { pro: 'Professional' } },
        ],
      },
      { connections },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(checkSyncFields(r.plan, { left: intercom, right: salesforce }).map((d) => `${d.path}: ${d.message}${d.suggestion ? ` (${d.suggestion})` : ''}`)).toEqual([
      'match[0].right: Salesforce Contact has no field "Emial" (did you mean "Email"?)',
      'fields[0].right[1]: Salesforce Contact has no field "LastNam" (did you mean "LastName"?)',
      'fields[1]: type mismatch: Intercom contact field custom_attributes.mrr (float) and Salesforce Contact field Subscription_Tier__c (picklist) (use "transform": "string")',
      'fields[2].left: Intercom contact field custom_attributes.plan_type (string) cannot hold the number that transform "datetime" gives it (use "transform": "string")',
      'fields[2].right: Salesforce Contact field CreatedDate (datetime) is read-only: the sync cannot write it (make this mapping rightToLeft)',
      'fields[3].left: Intercom contact field custom_attributes.plan_type (string) cannot hold the number that transform "number" gives it (use "transform": "string")',
      'fields[4].values.pro: "Professional" is not a value of Salesforce Contact field LeadSource (picklist) (its values: "Web", "Phone")',
    ]);
  });

  it('a "linked" field: its via-sync must be known, on the same connections, linking the referenced objects', () => {
    const connections = new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]);
    const base = { id: 'contacts', kind: 'sync', left: { connection: 'intercom-main', object: 'contact' }, right: { connection: 'salesforce-main', object: 'Contact' }, match: [{ left: 'email', right: 'Email' }] };
    const def = (field: Record<string, unknown>) => ({ ...base, fields: [{ left: 'email', right: 'Email' }, { left: 'companies.data.0.id', right: 'AccountId', transform: 'linked', direction: 'leftToRight', ...field }] });
    const syncs = new Map([
      ['companies', { left: { connection: 'intercom-main', object: 'company' }, right: { connection: 'salesforce-main', object: 'Account' } }],
      ['people', { left: { connection: 'intercom-main', object: 'contact' }, right: { connection: 'salesforce-main', object: 'Contact' } }],
    ]);
    const errors = (d: unknown) => {
      const r = compileSync(d, { connections, syncs });
      return r.ok ? [] : r.diagnostics.map((x) => `${x.path}: ${x.message}`);
    };
    const ok = compileSync(def({ via: 'companies' }), { connections, syncs });
    expect(ok.ok && ok.plan.fields[1]).toMatchObject({ transform: 'linked', params: { via: 'companies' } });
    expect(errors(def({ via: 'companys' }))).toEqual(['fields[1].via: unknown sync "companys"']);
    expect(errors(def({ via: 'people' }))).toEqual([
      'fields[1].left: companies.data.0.id holds company ids, but sync "people" links contact records on the left',
      'fields[1].right: AccountId holds Account ids, but sync "people" links Contact records on the right',
    ]);
    expect(errors(def({}))[0]).toBe('fields[1].transform: transform "linked" needs "via": "<id of the sync that links the referenced records>"');
    // Into Intercom too: the engine attaches the contact to the linked company.
    expect(errors(def({ via: 'companies', direction: 'both' }))).toEqual([]);
  });

  it('an Intercom company side matches by company_id or name only (Intercom has no company search)', () => {
    const connections = new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]);
    const def = (left: string) => ({ id: 'companies', kind: 'sync', left: { connection: 'intercom-main', object: 'company' }, right: { connection: 'salesforce-main', object: 'Account' }, match: [{ left: 'company_id', right: 'Intercom_Company_Id__c' }, { left, right: 'Website' }], fields: [{ left: 'name', right: 'Name' }] });
    expect(compileSync(def('name'), { connections })).toMatchObject({ ok: true });
    const refused = compileSync(def('website'), { connections });
    expect(refused.ok ? [] : refused.diagnostics.map((x) => `${x.path}: ${x.message}`)).toEqual(['match[1].left: intercom looks a company up by company_id or name only: a match rule cannot use "website"']);
  });
});
