import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { RunSummary } from '../../workflows/plan';
import type { FakeServer } from '../fakes/fake-server';
import { JiraFake } from '../fakes/jira-fake';
import { call } from '../support/api-harness';
import { startTestEngine, type TestEngine } from '../support/engine';

const connections = new Map([['jira-main', 'jira']]);

/**
 * Issue 12 item 9 (reliability C1–C2): the vendor applies the step's request and the connection
 * drops before the answer. Temporal retries the step, and a `runs retry --from failed` retries the
 * failed step again: the side-effect ledger and the action's `reconcile` keep it to one effect.
 */
describe('at most one external effect per step', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  let engine: TestEngine;
  let jira: JiraFake;

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

  const result = (runId: string) => engine.client.workflow.getHandle(runId).result() as Promise<RunSummary>;

  /** `runs retry <id> --from failed`, through the API the CLI calls; answers the new run's summary. */
  async function retryFromFailed(runId: string): Promise<RunSummary> {
    const retried = await call(engine.api.url, 'POST', `/api/v1/runs/${encodeURIComponent(runId)}/retry`, { token: admin, body: { from: 'failed' } });
    expect(retried.status).toBe(202);
    return result(retried.body.runId as string);
  }

  const dropNext = (fake: FakeServer, times = 1) => fake.fail({ kind: 'apply_then_drop' }, times);

  beforeAll(async () => {
    jira = await new JiraFake().start();
    engine = await startTestEngine('ledger', { SWITCHYARD_ADMIN_TOKEN: admin }, async (s) => {
      await s.connections.create({
        id: 'jira-main',
        connector: 'jira',
        name: 'Jira',
        credentials: { username: 'bot@example.com', password: 'jira-api-token', siteUrl: 'https://acme.atlassian.net' },
        baseUrl: jira.url,
      });
    });
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await jira?.close();
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
});
