import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { scheduleIdOf } from '../../src/engine/recipe-triggers';
import { startTestEngine, type TestEngine } from '../support/engine';
import { call } from '../support/api-harness';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { runStarted } from '../support/temporal';

/** The recipes API on the whole engine: store, compiler, matching and Temporal schedules. */
describe('recipes API', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const suffix = randomBytes(3).toString('hex');
  const slack = `slack-${suffix}`;
  let engine: TestEngine;
  let url: string;
  const api = (method: string, path: string, body?: unknown) => call(url, method, path, { token: admin, body });

  const notify = (id: string, text = 'New: {{ trigger.subject }}', extra: Record<string, unknown> = {}) => ({
    name: `Notify ${id}`,
    trigger: { type: 'event', event: `ticket.${id}` },
    steps: [{ id: 'notify', action: 'slack.postMessage', connection: slack, input: { channel: '#support', text } }],
    ...extra,
  });

  beforeAll(async () => {
    engine = await startTestEngine('recipes', { SWITCHYARD_ADMIN_TOKEN: admin });
    url = engine.api.url;
    const created = await api('POST', '/api/v1/connections', { id: slack, connector: 'slack', name: 'Slack', credentials: { accessToken: 'xoxb-test-token' } });
    expect(created.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('creates, keeps versions, reads back, lists and deletes', async () => {
    const id = `notify-${suffix}`;
    const added = await api('PUT', `/api/v1/recipes/${id}`, notify(id));
    expect(added).toMatchObject({ status: 201, body: { id, change: 'added', version: 1, enabled: true, warnings: [] } });
    expect(added.body.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(await api('PUT', `/api/v1/recipes/${id}`, { id, ...notify(id) })).toMatchObject({ status: 200, body: { change: 'unchanged', version: 1, hash: added.body.hash } });
    const changed = await api('PUT', `/api/v1/recipes/${id}`, notify(id, 'Urgent: {{ trigger.subject }}'));
    expect(changed).toMatchObject({ status: 200, body: { change: 'changed', version: 2, previous: 1 } });
    expect(changed.body.hash).not.toBe(added.body.hash);

    const got = await api('GET', `/api/v1/recipes/${id}`);
    expect(got).toMatchObject({ status: 200, body: { id, name: `Notify ${id}`, enabled: true, version: 2, hash: changed.body.hash, trigger: { type: 'event', event: `ticket.${id}` } } });
    expect(got.body.source.steps[0].input.text).toBe('Urgent: {{ trigger.subject }}');
    expect(got.body.source.id).toBe(id);

    const versions = await api('GET', `/api/v1/recipes/${id}/versions`);
    expect(versions.body).toMatchObject({ id, current: 2 });
    expect(versions.body.versions.map((v: { version: number; hash: string }) => [v.version, v.hash])).toEqual([
      [1, added.body.hash],
      [2, changed.body.hash],
    ]);
    expect((await api('GET', '/api/v1/recipes')).body.recipes.find((r: { id: string }) => r.id === id)).toMatchObject({ version: 2, enabled: true });
    const first = await api('GET', `/api/v1/recipes/${id}/versions/1`);
    expect(first).toMatchObject({ status: 200, body: { id, version: 1, hash: added.body.hash, name: `Notify ${id}` } });
    expect(first.body.source.steps[0].input.text).toBe('New: {{ trigger.subject }}');
    expect((await api('GET', `/api/v1/recipes/${id}/versions/2`)).body.source).toEqual(got.body.source);
    expect(await api('GET', `/api/v1/recipes/${id}/versions/3`)).toMatchObject({ status: 404, body: { error: { code: 'unknown_version', message: `recipe ${id} has no version 3 (current: 2)` } } });
    expect(await api('GET', `/api/v1/recipes/${id}/versions/latest`)).toMatchObject({ status: 422, body: { error: { code: 'invalid_request', details: { issues: [{ path: 'params.version' }] } } } });

    expect((await api('DELETE', `/api/v1/recipes/${id}`)).status).toBe(204);
    expect(await api('GET', `/api/v1/recipes/${id}`)).toMatchObject({ status: 404, body: { error: { code: 'unknown_recipe', message: `no recipe or sync with id ${id}` } } });
    expect((await api('DELETE', `/api/v1/recipes/${id}`)).status).toBe(404);
    expect((await api('GET', `/api/v1/recipes/${id}/versions`)).status).toBe(404);
    expect((await api('GET', `/api/v1/recipes/${id}/versions/1`)).status).toBe(404);
    expect((await api('POST', `/api/v1/recipes/${id}/enable`)).status).toBe(404);
  });

  it('answers 422 with every compiler diagnostic at its exact path, and stores nothing', async () => {
    const id = `broken-${suffix}`;
    const recipe = {
      ...notify(id),
      steps: [
        { id: 'ticket', action: 'slack.postMessage', connection: slack, input: { channel: '#c', text: 'hi' } },
        { id: 'notify', action: 'slak.postMessage', connection: slack, input: { text: '{{ steps.tiket.ts }}' } },
        { id: 'wait', waitFor: { approval: { timeout: '1x' } } },
      ],
    };
    const rejected = await api('PUT', `/api/v1/recipes/${id}`, recipe);
    expect(rejected.status).toBe(422);
    expect(rejected.body.error.code).toBe('invalid_recipe');
    expect(rejected.body.error.message).toBe('steps[1].action: unknown action "slak.postMessage" (did you mean "slack.postMessage"?) (and 2 more)');
    expect(rejected.body.error.details.diagnostics).toEqual([
      { path: 'steps[1].action', message: 'unknown action "slak.postMessage"', suggestion: 'did you mean "slack.postMessage"?', severity: 'error' },
      { path: 'steps[1].input.text', message: 'unknown reference steps.tiket', suggestion: 'did you mean steps.ticket?', severity: 'error' },
      { path: 'steps[2].waitFor.approval.timeout', message: expect.stringMatching(/^bad duration "1x"/), severity: 'error' },
    ]);
    expect((await api('GET', `/api/v1/recipes/${id}`)).status).toBe(404);

    const unknownConnection = await api('PUT', `/api/v1/recipes/${id}`, { ...notify(id), steps: [{ id: 'a', action: 'slack.postMessage', connection: `${slack}x`, input: { channel: '#c', text: 'x' } }] });
    expect(unknownConnection.body.error.details.diagnostics[0]).toMatchObject({ path: 'steps[0].connection', message: `unknown connection "${slack}x"`, suggestion: `did you mean "${slack}"?` });

    const mismatch = await api('PUT', `/api/v1/recipes/${id}`, { id: 'other-id', ...notify(id) });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.details.diagnostics).toEqual([expect.objectContaining({ path: 'id', severity: 'error' })]);

    const notObject = await api('PUT', `/api/v1/recipes/${id}`, [1, 2]);
    expect(notObject.status).toBe(422);
  });

  it('validates without storing: the plan outline, or the same diagnostics', async () => {
    const id = `valid-${suffix}`;
    const ok = await api('POST', '/api/v1/recipes/validate', { id, ...notify(id) });
    expect(ok).toMatchObject({ status: 200, body: { valid: true, plan: { recipeId: id, enabled: true, steps: [{ id: 'notify', kind: 'action', action: 'slack.postMessage' }], connections: [slack] } } });
    expect((await api('GET', `/api/v1/recipes/${id}`)).status).toBe(404);
    const bad = await api('POST', '/api/v1/recipes/validate', { id, ...notify(id, '{{ steps.nope.ts }}') });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.diagnostics).toEqual([{ path: 'steps[0].input.text', message: 'unknown reference steps.nope', severity: 'error' }]);
    expect((await api('POST', '/api/v1/recipes/validate', {})).body.error.details.diagnostics.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['id', 'name', 'trigger', 'steps']));
  });

  it('validates a sync definition ("kind": "sync") with the same diagnostics, against the stored connections', async () => {
    const sync = {
      id: `sync-${suffix}`,
      kind: 'sync',
      left: { connection: 'intercom-main', object: 'contact' },
      right: { connection: slack, object: 'Contact' },
      match: [{ left: 'email', right: 'Email' }],
      fields: [{ left: 'name', right: 'LastName', transform: 'splitName' }],
    };
    const bad = await api('POST', '/api/v1/recipes/validate', sync);
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.diagnostics).toEqual([
      { path: 'left.connection', message: 'unknown connection "intercom-main"', severity: 'error' },
      { path: 'right.connection', message: `connection "${slack}" is a slack connection, which has no records to sync (syncs work with intercom, salesforce, hubspot, pipedrive)`, severity: 'error' },
      { path: 'fields[0].right', message: 'transform "splitName" takes 2 right fields, got 1 (e.g. ["FirstName", "LastName"])', severity: 'error' },
    ]);
  });

  it('PUT stores a sync after checking its mapping against both sides’ live schemas (Intercom data attributes, Salesforce describe)', async () => {
    const intercom = await new IntercomFake().start();
    const salesforce = await new SalesforceFake().start();
    try {
      intercom.contactAttributes.add('plan_type');
      salesforce.addCustomField('Contact', { name: 'Subscription_Tier__c', label: 'Subscription Tier', type: 'picklist', picklist: ['Free', 'Pro'], createable: true, updateable: true, nillable: true });
      const ic = `intercom-${suffix}`;
      const sf = `salesforce-${suffix}`;
      expect((await api('POST', '/api/v1/connections', { id: ic, connector: 'intercom', name: 'Intercom', credentials: { accessToken: 'intercom-token' }, baseUrl: intercom.url })).status).toBe(201);
      const sfCredentials = { accessToken: '00Dsf!valid', refreshToken: 'sf-refresh', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), clientId: salesforce.app.clientId, clientSecret: salesforce.app.clientSecret, tokenUrl: salesforce.tokenUrl, instanceUrl: salesforce.instanceUrl };
      expect((await api('POST', '/api/v1/connections', { id: sf, connector: 'salesforce', name: 'Salesforce', credentials: sfCredentials })).status).toBe(201);
      const id = `contacts-${suffix}`;
      const sync = {
        kind: 'sync',
        left: { connection: ic, object: 'contact', filter: { role: 'user' } },
        right: { connection: sf, object: 'Contact' },
        match: [{ left: 'email', right: 'Email' }],
        fields: [
          { left: 'name', right: ['FirstName', 'LastName'], transform: 'splitName' },
          { left: 'custom_attributes.plan_type', right: 'Subscription_Tier__c', transform: 'map', values: { free: 'Free', pro: 'Pro' } },
        ],
        create: { right: true },
      };
      const bad = await api('PUT', `/api/v1/recipes/${id}`, { ...sync, fields: [...sync.fields, { left: 'custom_attributes.mrr', right: 'CreatedDate', direction: 'leftToRight' }, { left: 'phone', right: 'Phne' }] });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details.diagnostics).toEqual([
        { path: 'fields[2].right', message: 'Salesforce Contact field CreatedDate (datetime) is read-only: the sync cannot write it', suggestion: 'make this mapping rightToLeft', severity: 'error' },
        { path: 'fields[2]', message: 'type mismatch: Intercom contact field custom_attributes.mrr (float) and Salesforce Contact field CreatedDate (datetime)', suggestion: 'use "transform": "datetime"', severity: 'error' },
        { path: 'fields[3].right', message: 'Salesforce Contact has no field "Phne"', suggestion: 'did you mean "Phone"?', severity: 'error' },
      ]);
      const added = await api('PUT', `/api/v1/recipes/${id}`, sync);
      expect(added).toMatchObject({ status: 201, body: { id, change: 'added', version: 1, enabled: true, warnings: [] } });
      expect((await api('PUT', `/api/v1/recipes/${id}`, sync)).body).toMatchObject({ change: 'unchanged', version: 1 });
      expect(await engine.store.syncs.get(id)).toMatchObject({ id, version: 1, plan: { kind: 'sync', syncId: id, right: { connector: 'salesforce' } } });
      // The editor reads it back where it PUT it: its source as stored.
      const got = await api('GET', `/api/v1/recipes/${id}`);
      expect(got).toMatchObject({ status: 200, body: { id, kind: 'sync', name: id, enabled: true, paused: false, version: 1, hash: added.body.hash, connections: [ic, sf] } });
      expect(got.body.source).toEqual({ id, ...sync });
      expect(got.body).not.toHaveProperty('trigger');
      // A recipe cannot take a sync's id.
      expect(await api('PUT', `/api/v1/recipes/${id}`, notify(id))).toMatchObject({ status: 409, body: { error: { code: 'id_taken' } } });
      expect(intercom.received('GET', '/data_attributes')).toHaveLength(3);

      // A sync keeps its versions as a recipe does: a change is version 2, the same definition again adds none.
      const edited = { ...sync, name: 'Users to contacts', fields: sync.fields.slice(0, 1) };
      const changed = await api('PUT', `/api/v1/recipes/${id}`, edited);
      expect(changed).toMatchObject({ status: 200, body: { change: 'changed', version: 2, previous: 1 } });
      expect(changed.body.hash).not.toBe(added.body.hash);
      expect((await api('PUT', `/api/v1/recipes/${id}`, edited)).body).toMatchObject({ change: 'unchanged', version: 2 });
      const versions = await api('GET', `/api/v1/recipes/${id}/versions`);
      expect(versions).toMatchObject({ status: 200, body: { id, current: 2 } });
      expect(versions.body.versions.map((v: { version: number; hash: string; name: string }) => [v.version, v.hash, v.name])).toEqual([
        [1, added.body.hash, id],
        [2, changed.body.hash, 'Users to contacts'],
      ]);
      const first = await api('GET', `/api/v1/recipes/${id}/versions/1`);
      expect(first).toMatchObject({ status: 200, body: { id, version: 1, hash: added.body.hash, name: id } });
      expect(first.body.source).toEqual({ id, ...sync });
      expect((await api('GET', `/api/v1/recipes/${id}/versions/2`)).body.source).toEqual({ id, ...edited });
      expect(await api('GET', `/api/v1/recipes/${id}/versions/3`)).toMatchObject({ status: 404, body: { error: { code: 'unknown_version', message: `sync ${id} has no version 3 (current: 2)`, details: { id, version: 3 } } } });
      expect(await api('GET', `/api/v1/recipes/${id}/versions/0`)).toMatchObject({ status: 422, body: { error: { code: 'invalid_request', details: { issues: [{ path: 'params.version' }] } } } });
      // Deleting the sync deletes its versions.
      expect((await api('DELETE', `/api/v1/recipes/${id}`)).status).toBe(204);
      expect(await api('GET', `/api/v1/recipes/${id}/versions`)).toMatchObject({ status: 404, body: { error: { code: 'unknown_recipe', message: `no recipe or sync with id ${id}` } } });
      expect(await engine.store.syncs.versions(id)).toEqual([]);
    } finally {
      await intercom.close();
      await salesforce.close();
    }
  });

  it('disable stops matching at once and enable restores it, without a new version', async () => {
    const id = `toggle-${suffix}`;
    const recipe = { name: 'Toggle', trigger: { type: 'event', event: `toggle.${suffix}` }, steps: [{ id: 'hold', waitFor: { signal: 'go', timeout: '1h' } }] };
    expect((await api('PUT', `/api/v1/recipes/${id}`, recipe)).status).toBe(201);
    const post = (n: number) => api('POST', '/api/v1/events', { topic: `toggle.${suffix}`, id: `e-${n}`, data: {} });

    expect(await api('POST', `/api/v1/recipes/${id}/disable`)).toMatchObject({ status: 200, body: { id, enabled: false, version: 1 } });
    expect((await post(1)).body).toMatchObject({ matched: 0 });
    expect((await api('GET', `/api/v1/recipes/${id}`)).body).toMatchObject({ enabled: false, version: 1 });

    expect(await api('POST', `/api/v1/recipes/${id}/enable`)).toMatchObject({ status: 200, body: { enabled: true, version: 1 } });
    const started = await post(2);
    expect(started).toMatchObject({ status: 202, body: { matched: 1 } });
    await runStarted(engine.client, started.body.runs[0].runId);
    await engine.client.workflow.getHandle(started.body.runs[0].runId).cancel();
    expect((await api('GET', `/api/v1/recipes/${id}/versions`)).body.versions).toHaveLength(1);
  });

  it('keeps a schedule recipe’s Temporal Schedule in step: created, paused on disable, deleted with the recipe', async () => {
    const id = `digest-${suffix}`;
    const recipe = { name: 'Digest', trigger: { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Zurich' }, steps: [{ id: 'pause', delay: '1s' }, { id: 'hold', waitFor: { signal: 'go', timeout: '1h' } }] };
    expect((await api('PUT', `/api/v1/recipes/${id}`, recipe)).status).toBe(201);
    const schedule = engine.client.schedule.getHandle(scheduleIdOf(id));
    expect((await schedule.describe()).state.paused).toBe(false);
    await api('POST', `/api/v1/recipes/${id}/disable`);
    expect((await schedule.describe()).state.paused).toBe(true);
    await api('POST', `/api/v1/recipes/${id}/enable`);
    expect((await schedule.describe()).state.paused).toBe(false);
    expect((await api('DELETE', `/api/v1/recipes/${id}`)).status).toBe(204);
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('dry-runs the stored recipe against an event: rendered inputs, sample or given outputs, no side effects', async () => {
    const id = `dry-${suffix}`;
    await api('PUT', `/api/v1/recipes/${id}`, notify(id, 'New: {{ trigger.subject }} → {{ steps.ticket.ts }}', {
      steps: [
        { id: 'ticket', action: 'slack.postMessage', connection: slack, input: { channel: '#a', text: 'first {{ trigger.subject }}' } },
        { id: 'notify', action: 'slack.postMessage', connection: slack, input: { channel: '#b', text: 'then {{ steps.ticket.ts }}' } },
      ],
    }));
    const result = await api('POST', `/api/v1/recipes/${id}/test`, { event: { subject: 'Printer on fire' }, topic: `ticket.${id}`, outputs: { ticket: { ok: true, channel: 'C1', ts: '111.222' } } });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ recipeId: id, trigger: { matches: true }, when: true, status: 'succeeded' });
    expect(result.body.summary.steps.ticket).toMatchObject({ status: 'succeeded', input: { channel: '#a', text: 'first Printer on fire' }, output: { ts: '111.222' } });
    expect(result.body.summary.steps.notify).toMatchObject({ status: 'succeeded', input: { channel: '#b', text: 'then 111.222' } });

    const wrongTopic = await api('POST', `/api/v1/recipes/${id}/test`, { event: {}, topic: 'other.topic' });
    expect(wrongTopic.body.trigger.matches).toBe(false);
    const noEvent = await api('POST', `/api/v1/recipes/${id}/test`, {});
    expect(noEvent).toMatchObject({ status: 422, body: { error: { details: { issues: [{ path: 'body.event' }] } } } });
    expect((await api('POST', `/api/v1/recipes/missing-${suffix}/test`, { event: {} })).status).toBe(404);
  });
});
