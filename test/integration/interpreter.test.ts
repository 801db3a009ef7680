import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionActivityInput } from '../../workflows/activity-contract';
import { runRecipe } from '../../workflows';
import { createTimeSkippingEnv } from '../support/temporal';
import { eventOf, planOf, recipeWith, registerSearchAttributes, workflowBundle } from '../unit/recipe/helpers';

Runtime.install({ logger: new DefaultLogger('WARN') });

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
  await registerSearchAttributes(env);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

async function worker(taskQueue: string, activities: Record<string, (input: ActionActivityInput) => Promise<unknown>>) {
  return Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
}

describe('runRecipe on the time-skipping server', () => {
  it('runs action steps in order, renders templates and returns the summary', async () => {
    const taskQueue = `test-${randomUUID()}`;
    const calls: ActionActivityInput[] = [];
    const w = await worker(taskQueue, {
      'jira.createIssue': async (input) => {
        calls.push(input);
        return { id: '1', key: 'SUP-7', self: 'x' };
      },
      'slack.postMessage': async (input) => {
        calls.push(input);
        return { ok: true, channel: 'C1', ts: '1.2' };
      },
    });
    const plan = planOf(
      recipeWith([
        { id: 'ticket', action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 'Urgent: {{ trigger.data.item.title | upper }}', labels: '{{ trigger.data.item.labels }}' } },
        { id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'Created {{ steps.ticket.key }}' } },
      ]),
    );
    const result = await w.runUntil(
      env.client.workflow.execute(runRecipe, { taskQueue, workflowId: `run/${randomUUID()}`, args: [{ plan, event: eventOf({ data: { item: { title: 'down', labels: ['a', 'b'] } } }) }] }),
    );
    expect(calls).toEqual([
      { stepId: 'ticket', connectionId: 'jira-main', input: { project: 'SUP', summary: 'Urgent: DOWN', labels: ['a', 'b'] } },
      { stepId: 'notify', connectionId: 'slack-main', input: { channel: '#support', text: 'Created SUP-7' } },
    ]);
    expect(result.status).toBe('succeeded');
    expect(result.steps.notify).toMatchObject({ status: 'succeeded', output: { ts: '1.2' } });
  });
});
