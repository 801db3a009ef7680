import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compileRecipe } from '../../src/recipe/compile';
import type { ActionActivityInput } from '../../workflows/activity-contract';
import { runRecipe, stateQuery } from '../../workflows';
import { connectToDevServer, createTestWorker, waitFor } from '../support/temporal';
import { eventOf } from '../support/recipes';
import { testCatalog, testConnections } from '../support/test-catalog';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  // The real dev server: real timers keep activities from timing out in skipped time.
  env = await connectToDevServer();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

function recipe(text: string, delay: string) {
  return {
    id: 'follow-up',
    name: 'Follow up',
    trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' },
    steps: [
      { id: 'wait', delay },
      { id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: `${text} {{ trigger.n }}` } },
    ],
  };
}

function compile(r: unknown) {
  const result = compileRecipe(r, { actions: testCatalog, connections: testConnections });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.plan;
}

it('editing a recipe while 10 runs wait in a delay: all 10 finish with the old version, new runs use the new one', async () => {
  const taskQueue = `test-${randomUUID()}`;
  const posted: { text: string; stepId: string }[] = [];
  const worker = await createTestWorker(env, {
    taskQueue,
    activities: {
      'slack.postMessage': async (i: ActionActivityInput) => {
        posted.push({ text: (i.input as { text: string }).text, stepId: i.stepId });
        return { ok: true, channel: 'C', ts: '1' };
      },
    },
  });
  await worker.runUntil(async () => {
    const v1 = compile(recipe('v1 follow-up', '4s'));
    const old = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        env.client.workflow.start(runRecipe, { taskQueue, workflowId: `run/follow-up/old-${n}-${randomUUID()}`, args: [{ plan: v1, event: eventOf({ n }, `notif_${n}`) }] }),
      ),
    );
    for (const h of old) await waitFor(async () => (await h.query(stateQuery)).steps.wait?.status === 'waiting', 'runs waiting in the delay');

    // The edit: different text, shorter delay. A new version of the plan.
    const v2 = compile(recipe('v2 reminder', '1s'));
    expect(v2.version).not.toBe(v1.version);
    const fresh = await env.client.workflow.start(runRecipe, { taskQueue, workflowId: `run/follow-up/new-${randomUUID()}`, args: [{ plan: v2, event: eventOf({ n: 99 }, 'notif_99') }] });

    const [freshResult, ...results] = await Promise.all([fresh, ...old].map((h) => h.result()));
    for (const r of results) expect(r).toMatchObject({ version: v1.version, status: 'succeeded' });
    expect(freshResult).toMatchObject({ version: v2.version, status: 'succeeded' });
  });
  expect(posted.map((p) => p.text).sort()).toEqual([...Array.from({ length: 10 }, (_, n) => `v1 follow-up ${n}`), 'v2 reminder 99'].sort());
}, 120_000);
