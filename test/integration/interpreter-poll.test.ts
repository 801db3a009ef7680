import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { runWorkflowId } from '../../src/recipe/run-id';
import type { ActionActivityInput } from '../../workflows/activity-contract';
import { pollerPausedSignal, pollerPlanSignal, pollerStateQuery, pollerStopSignal, pollRecipe } from '../../workflows';
import { createTestWorker, useTimeSkippingEnv, waitFor } from '../support/temporal';
import { planOf } from '../support/recipes';
import { jiraIssuesPage } from '../support/test-catalog';

const env = useTimeSkippingEnv();

function pollRecipeSource(text: string, enabled = true) {
  return {
    id: 'new-jira-issues',
    name: 'New Jira issues → Slack',
    enabled,
    trigger: { type: 'poll', connection: 'jira-main', trigger: 'jira.newIssues', every: '5m', input: { jql: 'project = SUP' } },
    steps: [{ id: 'say', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: `${text} {{ trigger.key }}` } }],
  };
}

it('polls every interval, starts one run per new item (never twice), keeps the cursor across pause/resume and edits', { timeout: 120_000 }, async () => {
  const taskQueue = `test-${randomUUID()}`;
  const polls: { cursor: string | null; input: unknown }[] = [];
  const posted: string[] = [];
  // What the vendor returns for each cursor: a repeated item (SUP-2) must not start a second run.
  const pages: Record<string, { items: { dedupeKey: string; item: unknown }[]; cursor: string }> = {
    null: jiraIssuesPage([1, 2], '2'),
    '2': jiraIssuesPage([2, 3], '3'),
    '3': jiraIssuesPage([4], '4'),
    '4': jiraIssuesPage([], '4'),
  };
  const worker = await createTestWorker(env(), {
    taskQueue,
    activities: {
      pollTrigger: async (arg: { cursor: string | null; input: unknown }) => {
        polls.push({ cursor: arg.cursor, input: arg.input });
        return pages[String(arg.cursor)];
      },
      'slack.postMessage': async (i: ActionActivityInput) => (posted.push((i.input as { text: string }).text), { ok: true, channel: 'C', ts: '1' }),
    },
  });
  await worker.runUntil(async () => {
    const v1 = planOf(pollRecipeSource('v1'));
    const handle = await env().client.workflow.start(pollRecipe, { taskQueue, workflowId: `poll/new-jira-issues-${randomUUID()}`, args: [{ plan: v1 }] });
    await waitFor(async () => posted.length === 2, 'runs for the first page');
    await env().sleep('5m');
    await waitFor(async () => posted.length === 3, 'the run for the second page');
    expect(polls.map((p) => p.cursor)).toEqual([null, '2']);
    expect(polls[0]!.input).toEqual({ jql: 'project = SUP' });

    // Disabled: no polls while paused, however long.
    await handle.signal(pollerPausedSignal, true);
    await waitFor(async () => (await handle.query(pollerStateQuery)).paused, 'the poller to pause');
    await env().sleep('1h');
    expect(polls).toHaveLength(2);

    // Edited (and enabled again): the new plan takes over with the same cursor.
    const v2 = planOf(pollRecipeSource('v2'));
    await handle.signal(pollerPlanSignal, v2);
    await waitFor(async () => posted.length === 4, 'the run for the third page');
    expect(polls.map((p) => p.cursor)).toEqual([null, '2', '3']);
    const state = await handle.query(pollerStateQuery);
    expect(state).toMatchObject({ version: v2.version, paused: false, cursor: '4', started: 4 });

    await handle.signal(pollerStopSignal);
    await handle.result();
    // Runs use the ingress's id scheme, so a restarted poller could not start them again either.
    const run = env().client.workflow.getHandle(runWorkflowId('new-jira-issues', 'poll:jira-main', 'SUP-3'));
    expect((await run.result()).version).toBe(v1.version);
  });
  expect(posted.sort()).toEqual(['v1 SUP-1', 'v1 SUP-2', 'v1 SUP-3', 'v2 SUP-4']);
});
