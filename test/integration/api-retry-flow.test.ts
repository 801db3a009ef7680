import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { actionCatalog } from '../../connectors/registry';
import { ApiClient, ApiError } from '../../src/cli/remote/api-client';
import { registerRunsRetry } from '../../src/cli/remote/runs-retry-command';
import { keyedRetryId } from '../../src/engine/retry-run';
import { compileRecipe } from '../../src/recipe/compile';
import type { ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import type { RunRecipeInput } from '../../workflows/run-recipe';
import type { RunSummary } from '../../workflows/plan';
import { JiraFake } from '../../sandbox/jira-fake';
import { SlackFake } from '../../sandbox/slack-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { seedVendorConnections } from '../support/vendor-connections';
import { call } from '../support/api-harness';
import { runResult, runStarted } from '../support/temporal';

/** Issue 5's retry flow: step 2 fails non-retryably → fix the recipe → retry from step 2; step 1's vendor sees no second call. */
describe('retry a failed run', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const recipeId = `retry-${randomBytes(3).toString('hex')}`;
  const topic = `retry.${recipeId}`;
  let engine: TestEngine;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let jira: JiraFake;
  let slack: SlackFake;
  let connections: Map<string, string>;

  async function apply(recipe: Record<string, unknown>) {
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    api.plans.invalidate();
  }
  const recipe = (channel: string, firstStepId = 'ticket') => ({
    id: recipeId,
    name: 'Ticket, then tell Slack',
    trigger: { type: 'event', event: topic },
    steps: [
      { id: firstStepId, action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 'Order {{ trigger.data.order }} stuck' } },
      { id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel, text: `Created {{ steps.${firstStepId}.key }}` } },
    ],
  });
  const retry = (runId: string, body?: unknown, headers?: Record<string, string>) => call(api.url, 'POST', `/api/v1/runs/${encodeURIComponent(runId)}/retry`, { token: admin, body, headers });

  /** `switchyard runs retry …` against this engine's API. */
  async function cli(...argv: string[]): Promise<string[]> {
    const lines: string[] = [];
    const runs = new Command().exitOverride();
    registerRunsRetry(runs.command('runs'), { client: (o) => new ApiClient(o.url ?? api.url, o.token ?? admin), print: (l) => lines.push(l) });
    await runs.parseAsync(['node', 'switchyard', 'runs', ...argv]);
    return lines;
  }

  beforeAll(async () => {
    jira = await new JiraFake().start();
    slack = await new SlackFake().start();
    engine = await startTestEngine('retry', { SWITCHYARD_ADMIN_TOKEN: admin, SWITCHYARD_CONNECTION_WAIT_LIMIT: '2h' }, async (s) => {
      connections = await seedVendorConnections(s, { jira, slack });
    });
    ({ store, client, api } = engine);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await jira?.close();
    await slack?.close();
  });

  it('retries from the failed step with the fixed recipe, keeping step 1 (no second Jira call); from start repeats it', async () => {
    await apply(recipe('#no-such-channel'));
    const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic, id: 'order-1', data: { order: 1 } } });
    expect(posted.status).toBe(202);
    const failedId: string = posted.body.runs[0].runId;
    await expect(runResult(client, failedId)).rejects.toThrow();
    expect(jira.issues).toHaveLength(1);
    expect(slack.received('POST', '/chat.postMessage')).toHaveLength(1);
    expect(slack.messages).toHaveLength(0);

    // The ingress carried SWITCHYARD_CONNECTION_WAIT_LIMIT into the run's input.
    const history = await client.workflow.getHandle(failedId).fetchHistory();
    const [input] = (await decodeArrayFromPayloads(client.options.loadedDataConverter, history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads)) as RunRecipeInput[];
    expect(input?.connectionWaitMs).toBe(2 * 3_600_000);

    await apply(recipe('#support'));
    const retried = await retry(failedId, { from: 'failed' });
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ runId: `${failedId}-retry-1`, retryOf: failedId, from: 'failed', fromStepId: 'notify' });
    const summary = (await runResult<RunSummary>(client, retried.body.runId));
    expect(summary).toMatchObject({ status: 'succeeded', retryOf: failedId });
    expect(summary.steps.ticket).toMatchObject({ status: 'succeeded', attempts: 1, output: { key: 'SUP-1' } });
    expect(summary.steps.notify).toMatchObject({ status: 'succeeded', attempts: 1, input: { channel: '#support', text: 'Created SUP-1' } });
    expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(1);
    expect(jira.issues).toHaveLength(1);
    expect(slack.received('POST', '/chat.postMessage')).toHaveLength(2);
    expect(slack.messages.map((m) => m.text)).toEqual(['Created SUP-1']);
    const description = await runStarted(client, retried.body.runId);
    expect(description.memo).toEqual({ retryOf: failedId, retryFrom: 'failed' });
    // RunStatus tells an open run's state only; the closed run's status is Temporal's own.
    expect(description.searchAttributes).toMatchObject({ RecipeId: [recipeId], RunStatus: ['running'], TriggerEvent: [topic] });
    expect(description.status.name).toBe('COMPLETED');

    const fromStart = await retry(failedId, { from: 'start' });
    expect(fromStart.status).toBe(202);
    expect(fromStart.body).toMatchObject({ runId: `${failedId}-retry-2`, from: 'start', fromStepId: 'ticket' });
    await runResult(client, fromStart.body.runId);
    expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(2);
    expect(jira.issues).toHaveLength(2);
    expect(slack.messages.map((m) => m.text)).toEqual(['Created SUP-1', 'Created SUP-2']);
  });

  it('an Idempotency-Key makes a repeated retry answer the same without a second run; a new key is a new retry', async () => {
    await apply(recipe('#no-such-channel'));
    const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic, id: 'order-keyed', data: { order: 3 } } });
    const failedId: string = posted.body.runs[0].runId;
    await expect(runResult(client, failedId)).rejects.toThrow();
    await apply(recipe('#support'));
    const slackCalls = () => slack.received('POST', '/chat.postMessage').length;
    const before = slackCalls();

    // The response of the first request is "lost": the client repeats it, once in sequence and twice at once.
    const key = { 'Idempotency-Key': `retry-${randomBytes(8).toString('hex')}` };
    const first = await retry(failedId, { from: 'failed' }, key);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ runId: keyedRetryId(failedId, key['Idempotency-Key']), retryOf: failedId, from: 'failed', fromStepId: 'notify' });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const repeats = [await retry(failedId, { from: 'failed' }, key), ...(await Promise.all([retry(failedId, {}, key), retry(failedId, undefined, key)]))];
    for (const again of repeats) {
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    }
    await runResult(client, first.body.runId);
    // One retry run: no numbered retry exists, Slack saw one more call, and a repeat after the run finished still answers the same.
    await expect(client.workflow.getHandle(`${failedId}-retry-1`).describe()).rejects.toThrow(/not found/i);
    expect(slackCalls()).toBe(before + 1);
    expect((await retry(failedId, { from: 'failed' }, key)).body).toEqual(first.body);
    expect(slackCalls()).toBe(before + 1);

    // The same key with another body names the header; nothing starts.
    const reused = await retry(failedId, { from: 'start' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'idempotency_key_reused', details: { header: 'Idempotency-Key', runId: failedId } });
    expect(reused.body.error.message).toMatch(/^Idempotency-Key was already used to retry run /);

    // A new key is a new retry — also when its first two requests race each other to the start.
    const otherKey = { 'Idempotency-Key': `retry-${randomBytes(8).toString('hex')}` };
    const [other, twin] = await Promise.all([retry(failedId, { from: 'failed' }, otherKey), retry(failedId, { from: 'failed' }, otherKey)]);
    expect([other.status, twin.status]).toEqual([202, 202]);
    expect(other.body.runId).toBe(keyedRetryId(failedId, otherKey['Idempotency-Key']));
    expect(other.body.runId).not.toBe(first.body.runId);
    expect(twin.body).toEqual(other.body);
    expect([other, twin].filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    // It runs, but the failed step's effect is in the side-effect ledger (the first retry posted it under
    // the same step key): it answers with that message instead of posting it again.
    const otherSummary = (await runResult<RunSummary>(client, other.body.runId));
    const firstSummary = (await runResult<RunSummary>(client, first.body.runId));
    expect(otherSummary.steps.notify).toMatchObject({ status: 'succeeded', output: firstSummary.steps.notify!.output });
    expect(slackCalls()).toBe(before + 1);

    const malformed = await retry(failedId, { from: 'failed' }, { 'Idempotency-Key': 'x'.repeat(256) });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_header', details: { header: 'Idempotency-Key' } } } });
  });

  it('refuses what cannot be retried: a missing run (404), a run that did not fail (409), a changed earlier step (409), a bad body (422)', async () => {
    expect((await retry('run/nope/0000')).body.error).toMatchObject({ code: 'not_found', message: 'run run/nope/0000 does not exist' });
    expect((await retry('run/nope/0000')).status).toBe(404);

    // A run still waiting for an approval is running.
    const waitingRecipe = { id: `${recipeId}-approval`, name: 'Waits', trigger: { type: 'event', event: `${topic}.approval` }, steps: [{ id: 'ok', waitFor: { approval: { timeout: '1h' } } }] };
    await apply(waitingRecipe);
    const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic: `${topic}.approval`, id: 'a-1', data: {} } });
    const runningId: string = posted.body.runs[0].runId;
    // The ack means the event is durable in the inbox; the dispatcher starts the run just after.
    await runStarted(client, runningId);
    const running = await retry(runningId);
    expect(running.status).toBe(409);
    expect(running.body.error).toMatchObject({ code: 'run_not_failed', message: `run ${runningId} is running; only failed runs can be retried` });
    await client.workflow.getHandle(runningId).terminate('test done');

    // A failed run whose recipe renamed the step before the failed one.
    await apply(recipe('#no-such-channel'));
    const second = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic, id: 'order-2', data: { order: 2 } } });
    const failedId: string = second.body.runs[0].runId;
    await expect(runResult(client, failedId)).rejects.toThrow();
    await apply(recipe('#support', 'issue'));
    const changed = await retry(failedId);
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({ code: 'recipe_changed', details: { stepId: 'ticket', suggestion: { from: 'start' } } });
    expect(changed.body.error.message).toBe(`step ticket is now step issue before the failed step notify since run ${failedId}; kept outputs would not fit — retry from the start`);

    // The CLI: from the start works with the renamed step.
    expect(await cli('retry', failedId, '--from', 'start')).toEqual([`started ${failedId}-retry-1 (retry of ${failedId} from the start)`]);
    await runResult(client, `${failedId}-retry-1`);
    // A repeated CLI call with the same --idempotency-key answers with the retry it already started.
    const keyed = await cli('retry', failedId, '--from', 'start', '--idempotency-key', 'cli-key-1');
    expect(await cli('retry', failedId, '--from', 'start', '--idempotency-key', 'cli-key-1')).toEqual(keyed);
    const keyedId = /^started (\S+-retry-k[0-9a-f]+) \(retry of /.exec(keyed[0] ?? '')?.[1];
    expect(keyedId, keyed.join('\n')).toBeDefined();
    await runResult(client, keyedId!);
    const again = await cli('retry', `${failedId}-retry-1`).catch((err: unknown) => err);
    expect(again).toBeInstanceOf(ApiError);
    expect(again).toMatchObject({ status: 409, code: 'run_not_failed' });

    const bad = await retry(failedId, { from: 'middle' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/^body\.from: /);
  });
});
