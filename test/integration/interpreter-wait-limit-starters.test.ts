import { randomUUID } from 'node:crypto';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runWorkflowId } from '../../src/recipe/run-id';
import { pollerIdOf, scheduleIdOf, applyRecipeTrigger } from '../../src/engine/recipe-triggers';
import { startRuns } from '../../src/engine/start-runs';
import type { RunRecipeInput } from '../../workflows';
import { connectToDevServer, createTestWorker, waitFor } from '../support/temporal';
import { planOf } from '../support/recipes';
import { jiraIssuesPage } from '../support/test-catalog';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectToDevServer();
});
afterAll(async () => {
  await env?.teardown();
});

const twoHours = 2 * 3_600_000;
const step = { id: 'say', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'hi' } };

async function startInput(workflowId: string): Promise<RunRecipeInput> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const [input] = await decodeArrayFromPayloads(env.client.options.loadedDataConverter, history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads);
  return input as RunRecipeInput;
}

it('schedule recipes carry the connection wait limit (and newRunInput) into the runs their Schedule starts', async () => {
  const recipeId = `limit-${randomUUID().slice(0, 8)}`;
  const plan = planOf({ id: recipeId, name: 'Digest', enabled: false, trigger: { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Zurich' }, steps: [step] });
  await applyRecipeTrigger(env.client, `test-${randomUUID()}`, recipeId, plan, { connectionWaitMs: twoHours });
  const schedule = await env.client.schedule.getHandle(scheduleIdOf(recipeId)).describe();
  expect(schedule.action.type).toBe('startWorkflow');
  expect((schedule.action as { args?: RunRecipeInput[] }).args?.[0]).toMatchObject({ connectionWaitMs: twoHours, closingStatus: 'execution' });
  await applyRecipeTrigger(env.client, 'unused', recipeId, undefined);
});

it('poll recipes hand the connection wait limit (and newRunInput) to every run they start', { timeout: 120_000 }, async () => {
  const taskQueue = `test-${randomUUID()}`;
  const recipeId = `limit-poll-${randomUUID().slice(0, 8)}`;
  const plan = planOf({ id: recipeId, name: 'Issues', trigger: { type: 'poll', connection: 'jira-main', trigger: 'jira.newIssues', every: '1m', input: { jql: 'project = SUP' } }, steps: [step] });
  const worker = await createTestWorker(env, {
    taskQueue,
    activities: { pollTrigger: async () => jiraIssuesPage([1], '1'), 'slack.postMessage': async () => ({ ok: true, channel: 'C', ts: '1' }) },
  });
  await worker.runUntil(async () => {
    await applyRecipeTrigger(env.client, taskQueue, recipeId, plan, { connectionWaitMs: twoHours });
    expect((await startInput(pollerIdOf(recipeId))).connectionWaitMs).toBe(twoHours);
    const runId = runWorkflowId(recipeId, 'poll:jira-main', 'SUP-1');
    await waitFor(async () => (await env.client.workflow.getHandle(runId).describe().then(() => true, () => false)), 'the poller to start the run');
    await env.client.workflow.getHandle(runId).result();
    expect(await startInput(runId)).toMatchObject({ connectionWaitMs: twoHours, closingStatus: 'execution' });
    await applyRecipeTrigger(env.client, taskQueue, recipeId, undefined);
    await env.client.workflow.getHandle(pollerIdOf(recipeId)).result();
  });
});

it('runs the ingress starts carry newRunInput (they close without a RunStatus upsert)', async () => {
  const recipeId = `closing-${randomUUID().slice(0, 8)}`;
  const plan = planOf({ id: recipeId, name: 'Closing', trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' }, steps: [step] });
  const event = { id: `evt_${randomUUID()}`, topic: 'conversation.user.created', source: 'intercom-main', receivedAt: new Date().toISOString(), payload: {} };
  const [started] = await startRuns(env.client, `test-${randomUUID()}`, [plan], event, { connectionWaitMs: twoHours });
  expect(await startInput(started!.workflowId)).toMatchObject({ connectionWaitMs: twoHours, closingStatus: 'execution' });
  await env.client.workflow.getHandle(started!.workflowId).terminate('no worker runs this queue');
});
