import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { RunSummary } from '../../workflows/plan';
import type { FakeServer } from '../../sandbox/fake-server';
import { GoogleSheetsFake } from '../../sandbox/google-sheets-fake';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { JiraFake } from '../../sandbox/jira-fake';
import { SlackFake } from '../../sandbox/slack-fake';
import { call } from '../support/api-harness';
import { startTestEngine, type TestEngine } from '../support/engine';
import { runResult } from '../support/temporal';
import { seedVendorConnections } from '../support/vendor-connections';

/**
 * Issue 12 item 9 (reliability C1–C2): the vendor applies the step's request and the connection
 * drops before the answer. Temporal retries the step, and a `runs retry --from failed` retries the
 * failed step again: the side-effect ledger and the action's `reconcile` keep it to one effect.
 */
describe('at most one external effect per step', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  let engine: TestEngine;
  let jira: JiraFake;
  let slack: SlackFake;
  let sheets: GoogleSheetsFake;
  let intercom: IntercomFake;
  let connections: Map<string, string>;

  /** Applies a one-step recipe and sends it an event; answers the run id. */
  async function runOneStep(step: Record<string, unknown>): Promise<string> {
    const id = `ledger-${randomBytes(3).toString('hex')}`;
    const recipe = { id, name: id, trigger: { type: 'event', event: `ledger.${id}` }, steps: [{ id: 'effect', ...step }] };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await engine.store.recipes.apply(recipe, compiled.plan);
    engine.api.plans.invalidate();
    const posted = await call(engine.api.url, 'POST', '/api/v1/events', { token: admin, body: { topic: `ledger.${id}`, id: `event-${id}`, data: {} } });
    expect(posted.status).toBe(202);
    return posted.body.runs[0].runId as string;
  }

  const result = (runId: string) => runResult<RunSummary>(engine.client, runId);

  /** `runs retry <id> --from failed`, through the API the CLI calls; answers the new run's summary. */
  async function retryFromFailed(runId: string): Promise<RunSummary> {
    const retried = await call(engine.api.url, 'POST', `/api/v1/runs/${encodeURIComponent(runId)}/retry`, { token: admin, body: { from: 'failed' } });
    expect(retried.status).toBe(202);
    return result(retried.body.runId as string);
  }

  const dropNext = (fake: FakeServer, times = 1) => fake.fail({ kind: 'apply_then_drop' }, times);

  beforeAll(async () => {
    jira = await new JiraFake().start();
    slack = await new SlackFake().start();
    sheets = await new GoogleSheetsFake().start();
    intercom = await new IntercomFake().start();
    engine = await startTestEngine('ledger', { SWITCHYARD_ADMIN_TOKEN: admin }, async (s) => {
      connections = await seedVendorConnections(s, { jira, slack, sheets, intercom: { fake: intercom } });
    });
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await jira?.close();
    await slack?.close();
    await sheets?.close();
    await intercom?.close();
  });

  describe('jira.createIssue', () => {
    const createIssue = (retry?: { maxAttempts: number }) => ({ action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 'Order stuck' }, ...(retry ? { retry } : {}) });

    it('two lost answers in a row, then retries: exactly one issue, found by its step label', async () => {
      jira.issues.length = 0;
      jira.reset();
      dropNext(jira, 2);
      const summary = await result(await runOneStep(createIssue()));
      expect(summary.status).toBe('succeeded');
      expect(jira.issues.map((i) => i.key)).toEqual(['SUP-1']);
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { key: 'SUP-1', url: 'https://acme.atlassian.net/browse/SUP-1' } });
      // One create; the retries asked Jira for the issue carrying the step's label instead.
      expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(1);
      expect(jira.received('POST', '/rest/api/3/search/jql').length).toBeGreaterThanOrEqual(1);
    });

    it('`runs retry --from failed` after the step failed on a lost answer finds the issue instead of creating another', async () => {
      jira.issues.length = 0;
      jira.reset();
      dropNext(jira);
      const failedId = await runOneStep(createIssue({ maxAttempts: 1 }));
      await expect(result(failedId)).rejects.toThrow();
      expect(jira.issues).toHaveLength(1);

      const summary = await retryFromFailed(failedId);
      expect(summary).toMatchObject({ status: 'succeeded', retryOf: failedId });
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { key: 'SUP-1' } });
      expect(jira.issues.map((i) => i.key)).toEqual(['SUP-1']);
      expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(1);
    });
  });
  describe('slack.postMessage', () => {
    const post = (channel: string, retry?: { maxAttempts: number }) => ({ action: 'slack.postMessage', connection: 'slack-main', input: { channel, text: 'Order stuck' }, ...(retry ? { retry } : {}) });

    it('a lost answer, then retries: exactly one message, found by its metadata in the channel history', async () => {
      slack.messages.length = 0;
      slack.reset();
      dropNext(slack);
      const summary = await result(await runOneStep(post('#support')));
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { ok: true, channel: 'C0SUPPORT', ts: slack.messages[0]!.ts } });
      expect(slack.messages.map((m) => m.text)).toEqual(['Order stuck']);
      expect(slack.received('POST', '/chat.postMessage')).toHaveLength(1);
      expect(slack.received('GET', '/conversations.history')[0]!.query.get('include_all_metadata')).toBe('true');
    });

    it('`runs retry --from failed` finds the message of the failed attempt', async () => {
      slack.messages.length = 0;
      slack.reset();
      dropNext(slack);
      const failedId = await runOneStep(post('C0GENERAL', { maxAttempts: 1 }));
      await expect(result(failedId)).rejects.toThrow();
      const summary = await retryFromFailed(failedId);
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { channel: 'C0GENERAL', ts: slack.messages[0]!.ts } });
      expect(slack.messages).toHaveLength(1);
      expect(slack.received('POST', '/chat.postMessage')).toHaveLength(1);
    });
  });

  describe('google-sheets.appendRow', () => {
    const append = (retry?: { maxAttempts: number }) => ({
      action: 'google-sheets.appendRow',
      connection: 'sheets-main',
      input: { spreadsheetId: 'sheet123', range: 'Closed!A:B', values: ['c1', 'Order stuck'] },
      ...(retry ? { retry } : {}),
    });
    const dataRows = () => sheets.sheets.get('sheet123')!.get('Closed')!.slice(1);

    it('a lost answer, then retries: exactly one row, found by its marker cell', async () => {
      sheets.sheets.get('sheet123')!.set('Closed', [['id', 'subject']]);
      sheets.reset();
      dropNext(sheets);
      const summary = await result(await runOneStep(append()));
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { updatedRange: 'Closed!A2:C2', updatedRows: 1 } });
      expect(dataRows()).toEqual([['c1', 'Order stuck', expect.stringMatching(/^switchyard:[0-9a-f]{32}$/)]]);
      expect(sheets.received('POST', '/v4/spreadsheets/sheet123/values/*')).toHaveLength(1);
    });

    it('`runs retry --from failed` finds the row of the failed attempt', async () => {
      sheets.sheets.get('sheet123')!.set('Closed', [['id', 'subject'], ['c0', 'earlier', 'switchyard:0000']]);
      sheets.reset();
      dropNext(sheets);
      const failedId = await runOneStep(append({ maxAttempts: 1 }));
      await expect(result(failedId)).rejects.toThrow();
      const summary = await retryFromFailed(failedId);
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { updatedRange: 'Closed!A3:C3' } });
      expect(dataRows()).toHaveLength(2);
      expect(sheets.received('POST', '/v4/spreadsheets/sheet123/values/*')).toHaveLength(1);
    });
  });

  describe('intercom.createOrUpdateContact', () => {
    const upsert = (retry?: { maxAttempts: number }) => ({
      action: 'intercom.createOrUpdateContact',
      connection: 'intercom-main',
      input: { email: 'ada@example.com', name: 'Ada' },
      ...(retry ? { retry } : {}),
    });

    it('a lost answer, then retries: exactly one contact (the upsert key turns the repeat into an update)', async () => {
      intercom.contacts.length = 0;
      intercom.reset();
      dropNext(intercom);
      const summary = await result(await runOneStep(upsert()));
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { email: 'ada@example.com' } });
      expect(intercom.contacts.map((c) => c.email)).toEqual(['ada@example.com']);
    });

    it('`runs retry --from failed` after a lost answer: still one contact', async () => {
      intercom.contacts.length = 0;
      intercom.reset();
      dropNext(intercom);
      const failedId = await runOneStep(upsert({ maxAttempts: 1 }));
      await expect(result(failedId)).rejects.toThrow();
      const summary = await retryFromFailed(failedId);
      expect(summary.steps.effect).toMatchObject({ status: 'succeeded', output: { id: intercom.contacts[0]!.id } });
      expect(intercom.contacts).toHaveLength(1);
    });
  });
});
