import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pollerIdOf, scheduleIdOf, applyRecipeTrigger } from '../../src/engine/recipe-triggers';
import type { ActionActivityInput } from '../../workflows/activity-contract';
import { pollerStateQuery } from '../../workflows';
import type { RunSummary } from '../../workflows/plan';
import { connectToDevServer, createTestWorker, waitFor, runResult } from '../support/temporal';
import { planOf } from '../support/recipes';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectToDevServer();
});
afterAll(async () => {
  await env?.teardown();
});

const step = { id: 'say', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'daily digest for {{ trigger.scheduledAt | date: "%Y-%m-%d" }}' } };

it('schedule recipes own a Temporal Schedule: created paused-if-disabled, updated, fired, deleted', { timeout: 120_000 }, async () => {
  const taskQueue = `test-${randomUUID()}`;
  const recipeId = `digest-${randomUUID().slice(0, 8)}`;
  const source = (enabled: boolean, cron: string) => ({ id: recipeId, name: 'Digest', enabled, trigger: { type: 'schedule', cron, timezone: 'Europe/Zurich' }, steps: [step] });
  const posted: string[] = [];
  const worker = await createTestWorker(env, {
    taskQueue,
    activities: { 'slack.postMessage': async (i: ActionActivityInput) => (posted.push((i.input as { text: string }).text), { ok: true, channel: 'C', ts: '1' }) },
  });
  await worker.runUntil(async () => {
    expect(await applyRecipeTrigger(env.client, taskQueue, recipeId, planOf(source(false, '0 9 * * 1-5')))).toEqual({ schedule: 'created', poller: 'none' });
    const handle = env.client.schedule.getHandle(scheduleIdOf(recipeId));
    let d = await handle.describe();
    expect(d.state.paused).toBe(true);
    expect(d.spec.timezone).toBe('Europe/Zurich');

    const v2 = planOf(source(true, '30 8 * * *'));
    expect(await applyRecipeTrigger(env.client, taskQueue, recipeId, v2)).toEqual({ schedule: 'updated', poller: 'none' });
    d = await handle.describe();
    expect(d.state.paused).toBe(false);
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 8, end: 8, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });

    await handle.trigger();
    const runId = await waitFor(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId, 'a scheduled run');
    const summary = (await runResult<RunSummary>(env.client, runId));
    expect(summary).toMatchObject({ recipeId, version: v2.version, status: 'succeeded' });
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(/^daily digest for \d{4}-\d{2}-\d{2}$/);

    expect(await applyRecipeTrigger(env.client, taskQueue, recipeId, undefined)).toEqual({ schedule: 'deleted', poller: 'none' });
    await expect(handle.describe()).rejects.toThrow();
  });
});

it('poll recipes own a pollRecipe workflow: started, paused when disabled, stopped when deleted', { timeout: 120_000 }, async () => {
  const taskQueue = `test-${randomUUID()}`;
  const recipeId = `issues-${randomUUID().slice(0, 8)}`;
  const source = (enabled: boolean) => ({ id: recipeId, name: 'Issues', enabled, trigger: { type: 'poll', connection: 'jira-main', trigger: 'jira.newIssues', every: '1m', input: { jql: 'project = SUP' } }, steps: [step] });
  let polls = 0;
  const worker = await createTestWorker(env, {
    taskQueue,
    activities: { pollTrigger: async () => (polls++, { items: [], cursor: '7' }), 'slack.postMessage': async () => ({ ok: true, channel: 'C', ts: '1' }) },
  });
  await worker.runUntil(async () => {
    expect(await applyRecipeTrigger(env.client, taskQueue, recipeId, planOf(source(true)))).toEqual({ schedule: 'none', poller: 'started' });
    const poller = env.client.workflow.getHandle(pollerIdOf(recipeId));
    await waitFor(async () => (await poller.query(pollerStateQuery)).cursor === '7', 'the first poll');
    expect(await applyRecipeTrigger(env.client, taskQueue, recipeId, planOf(source(false)))).toEqual({ schedule: 'none', poller: 'updated' });
    await waitFor(async () => (await poller.query(pollerStateQuery)).paused, 'the poller to pause');
    expect(await applyRecipeTrigger(env.client, taskQueue, recipeId, undefined)).toEqual({ schedule: 'none', poller: 'stopped' });
    expect(await poller.result()).toMatchObject({ recipeId, cursor: '7', paused: true });
  });
  expect(polls).toBe(1);
});
