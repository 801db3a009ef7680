import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActionActivityInput } from '../../workflows/activity-contract';
import { approvalSignal, connectionRestoredSignal, pollerStateQuery, pollerStopSignal, pollRecipe, resumeSignal, runRecipe, stateQuery, webhookDelivery, type RunRecipeInput } from '../../workflows';
import type { AttemptResult, DeliverAttemptInput } from '../../workflows/webhook-contract';
import { newRunInput, type Plan, type RunEvent } from '../../workflows/plan';
import { connectToDevServer, createTestWorker, waitFor, workflowBundle } from '../support/temporal';
import { historyFromCliJson } from '../support/history-json';
import { eventOf, planOf, recipeWith } from '../support/recipes';
import { jiraIssuesPage } from '../support/test-catalog';

/**
 * Saved histories of representative runs must replay cleanly against the current interpreter.
 * Regenerate (only when an interpreter change is meant to be visible in new histories, and
 * guarded by patched()) with: SWITCHYARD_RECORD_HISTORIES=1 npx vitest run test/integration/interpreter-replay.test.ts
 * Record new fixtures without rewriting the others: SWITCHYARD_RECORD_HISTORIES=<name>[,<name>…].
 */
const historiesDir = path.resolve(__dirname, '../fixtures/histories');
const recipesDir = path.resolve(__dirname, '../../recipes');
const recordEnv = process.env.SWITCHYARD_RECORD_HISTORIES;
const record = recordEnv !== undefined && recordEnv !== '';
const recordOnly = recordEnv === '1' ? undefined : recordEnv?.split(',');

function loadHistories(): { workflowId: string; history: unknown; file: string }[] {
  return readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const saved = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as { workflowId: string; history: unknown };
      return { workflowId: saved.workflowId, history: historyFromCliJson(saved.history), file };
    });
}

describe('replay of committed histories', () => {
  it('every saved history replays without nondeterminism', async () => {
    const histories = loadHistories();
    expect(histories.map((h) => h.file)).toEqual([
      'auth-lost-restored.json',
      'branch-and-signal.json',
      // Started with newRunInput (closingStatus 'execution'): no closing RunStatus upsert; the others are from before.
      'closing-status-failed.json',
      'closing-status-succeeded.json',
      'failed-invalid-input.json',
      'long-foreach-children.json',
      'poll-recipe-items.json',
      'resumed-retry-enveloped.json',
      'retry-then-continue.json',
      'store-unavailable-waited.json',
      // The sync workflow before the patch sync-remap-stored (recorded at fdc6aa8 on the sync-reconcile scenario, not by
      // the recorder below): a remap walk and delete-check walks under their patches sync-remap-links, sync-verify-links.
      'sync-remap-verify.json',
      'urgent-to-jira.json',
      'vip-escalation-approved.json',
      'vip-escalation-timeout.json',
      'webhook-delivery-gone.json',
      'webhook-delivery-retried.json',
    ]);
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) results.push(r);
    expect(results.map((r) => ({ id: r.workflowId, error: r.error?.message }))).toEqual(histories.map((h) => ({ id: h.workflowId, error: undefined })));
  }, 120_000);

  it('a workflow that issues different commands fails the replay (the test can fail)', async () => {
    const changed = await workflowBundle(path.resolve(__dirname, '../fixtures/changed-interpreter.ts'));
    const [urgent] = loadHistories().filter((h) => h.file === 'urgent-to-jira.json');
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, urgent!.history, urgent!.workflowId)).rejects.toThrow(/[Nn]ondetermin/);
  }, 120_000);
});

describe.runIf(record)('recording representative histories on the dev server', () => {
  let env: TestWorkflowEnvironment;
  const taskQueue = `record-${randomUUID()}`;
  let worker: Worker;
  let running: Promise<void>;
  let calls = 0;

  beforeAll(async () => {
    env = await connectToDevServer();
    // Answers as activities/run-action.ts does: the envelope with the attempt when the workflow asks for it.
    const ok = async (i: ActionActivityInput) => {
      const output = { ok: true, channel: 'C024BE91L', ts: `1767225600.${String(++calls).padStart(6, '0')}`, echo: i.stepId };
      return i.resultEnvelope === 1 ? { switchyardResult: 1, output, attempt: Context.current().info.attempt } : output;
    };
    worker = await createTestWorker(env, {
    taskQueue,
    activities: {
        'slack.postMessage': async (i: ActionActivityInput) => {
          const text = (i.input as { text?: string }).text ?? '';
          if (text.startsWith('flaky')) throw ApplicationFailure.create({ type: 'Retryable', message: 'HTTP 503 from Slack' });
          if (text.startsWith('invalid')) throw ApplicationFailure.create({ type: 'InvalidInput', message: 'channel_not_found' });
          // A connection lookup the store failed: after a vendor attempt that was retried (the step's budget shrinks by one).
          if (text.startsWith('store') && ++storeCalls <= 2) {
            if (storeCalls === 1) throw ApplicationFailure.create({ type: 'Retryable', message: 'HTTP 503 from Slack' });
            throw ApplicationFailure.create({ type: 'StoreUnavailable', message: 'the store did not answer while resolving connection slack-main', nonRetryable: true, details: [{ attempt: Context.current().info.attempt }] });
          }
          if (text.startsWith('auth') && !authRestored) throw ApplicationFailure.create({ type: 'AuthLost', message: '401 from Slack: token_revoked' });
          return ok(i);
        },
        'jira.createIssue': async () => ({ id: '10042', key: 'SUP-42', self: 'https://example.atlassian.net/rest/api/3/issue/10042' }),
        'jira.addComment': async () => ({ id: String(20000 + ++calls) }),
        // Outgoing webhook deliveries: the first attempt of message `retried` fails, then succeeds; `gone` answers 410.
        'webhooksOut.deliverAttempt': async (i: DeliverAttemptInput): Promise<AttemptResult> => {
          const attempt = (deliveryAttempts.get(i.messageId) ?? 0) + 1;
          deliveryAttempts.set(i.messageId, attempt);
          if (i.messageId === 'msg-gone') return { outcome: 'gone', attempt, statusCode: 410 };
          return attempt === 1 ? { outcome: 'failed', attempt, statusCode: 503, failingSinceMs: i.nowMs } : { outcome: 'delivered', attempt, statusCode: 200 };
        },
        'webhooksOut.finishDelivery': async () => undefined,
        'webhooksOut.listFailed': async () => ({ items: [] }),
        pollTrigger: async (i: { cursor: string | null }) =>
          i.cursor === null ? jiraIssuesPage([7, 8], '8') : jiraIssuesPage([], i.cursor),
      },
    });
    running = worker.run();
    mkdirSync(historiesDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  let authRestored = false;
  let storeCalls = 0;
  const deliveryAttempts = new Map<string, number>();

  async function runAndSave(
    name: string,
    plan: Plan,
    event: RunEvent,
    drive?: (h: Awaited<ReturnType<typeof env.client.workflow.start<typeof runRecipe>>>) => Promise<void>,
    extra: Partial<RunRecipeInput> = {},
  ) {
    if (recordOnly !== undefined && !recordOnly.includes(name)) return;
    const workflowId = `run/${plan.recipeId}/record-${name}`;
    const handle = await env.client.workflow.start(runRecipe, { taskQueue, workflowId, args: [{ plan, event, ...extra }], workflowIdReusePolicy: 'TERMINATE_IF_RUNNING' });
    await drive?.(handle);
    await handle.result().catch(() => undefined);
    save(name, workflowId);
  }

  /** Any engine workflow (deliveries, pollers): started, driven, finished, saved. */
  async function startAndSave(name: string, workflowId: string, start: () => Promise<{ result(): Promise<unknown> }>, drive?: () => Promise<void>) {
    if (recordOnly !== undefined && !recordOnly.includes(name)) return;
    const handle = await start();
    await drive?.();
    await handle.result().catch(() => undefined);
    save(name, workflowId);
  }

  function save(name: string, workflowId: string) {
    // The CLI's JSON is the canonical export format (historyToJSON trips over duplicate protobufjs copies here).
    const json = execFileSync(inject('temporalCliPath'), ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', inject('temporalAddress')], { encoding: 'utf8' });
    writeFileSync(path.join(historiesDir, `${name}.json`), `${JSON.stringify({ workflowId, history: JSON.parse(json) }, null, 1)}\n`);
  }

  function recipeFile(name: string): Record<string, any> {
    return JSON.parse(readFileSync(path.join(recipesDir, `${name}.json`), 'utf8'));
  }
  function fixture(name: string): RunEvent {
    const payload = JSON.parse(readFileSync(path.join(recipesDir, 'fixtures', `${name}.event.json`), 'utf8'));
    return { id: payload.id, topic: payload.topic, source: 'intercom-main', receivedAt: new Date(payload.created_at * 1000).toISOString(), payload };
  }
  function vip(approvalTimeout: string): Plan {
    const r = recipeFile('vip-escalation');
    for (const s of r.steps) {
      if (s.id === 'cooldown') s.delay = '1s';
      if (s.id === 'approval') s.waitFor.approval.timeout = approvalTimeout;
    }
    return planOf(r);
  }

  it('records', async () => {
    await runAndSave('urgent-to-jira', planOf(recipeFile('urgent-to-jira')), fixture('urgent-to-jira'));
    await runAndSave('closing-status-succeeded', planOf(recipeFile('urgent-to-jira')), fixture('urgent-to-jira'), undefined, newRunInput);
    await runAndSave(
      'closing-status-failed',
      planOf(recipeWith([{ id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'invalid' } }])),
      eventOf({}, 'notif_invalid_closing'),
      undefined,
      newRunInput,
    );
    await runAndSave('vip-escalation-approved', vip('1h'), fixture('vip-escalation'), async (h) => {
      await waitFor(async () => (await h.query(stateQuery)).steps.approval?.status === 'waiting', 'approval wait');
      await h.signal(approvalSignal, { approved: true, by: 'lin@example.com', comment: 'VIP account' });
    });
    await runAndSave('vip-escalation-timeout', vip('2s'), fixture('vip-escalation'));
    await runAndSave(
      'retry-then-continue',
      planOf(recipeWith([{ id: 'flaky', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'flaky' }, retry: { maxAttempts: 2, initialInterval: '1s' }, onError: 'continue' }, { id: 'next', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'after {{ steps.flaky.ts | default: "failure" }}' } }])),
      eventOf({ data: { item: { id: '1' } } }, 'notif_retry'),
    );
    await runAndSave(
      'auth-lost-restored',
      planOf(recipeWith([{ id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'auth check' } }])),
      eventOf({}, 'notif_auth'),
      async (h) => {
        await waitFor(async () => (await h.query(stateQuery)).steps.post?.status === 'waiting', 'connection wait');
        authRestored = true;
        await h.signal(connectionRestoredSignal, { connectionId: 'slack-main' });
      },
    );
    await runAndSave(
      'store-unavailable-waited',
      planOf(recipeWith([{ id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'store blip' }, retry: { maxAttempts: 3, initialInterval: '1s' } }])),
      eventOf({}, 'notif_store'),
    );
    await runAndSave(
      'failed-invalid-input',
      planOf(recipeWith([{ id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'invalid' } }])),
      eventOf({}, 'notif_invalid'),
    );
    await runAndSave(
      'long-foreach-children',
      planOf(recipeWith([{ id: 'each', forEach: '{{ trigger.users }}', concurrency: 10, steps: [{ id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'hi {{ item }}' } }] }])),
      eventOf({ users: Array.from({ length: 150 }, (_, i) => `u${i}`) }, 'notif_many'),
    );
    // A retry from the failed step (resume input: step `first` kept, not run again), with a wait limit and enveloped activity results.
    await runAndSave(
      'resumed-retry-enveloped',
      planOf(
        recipeWith([
          { id: 'first', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'one' } },
          { id: 'second', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'after {{ steps.first.ts }}' } },
          { id: 'third', action: 'jira.addComment', connection: 'jira-main', input: { issue: 'SUP-1', body: '{{ steps.second.ts }}' } },
        ]),
      ),
      eventOf({}, 'notif_resumed'),
      undefined,
      {
        connectionWaitMs: 2 * 3_600_000,
        resume: {
          retryOf: 'run/test-recipe/record-failed',
          fromStepId: 'second',
          steps: { first: { status: 'succeeded', attempts: 1, input: { channel: '#c', text: 'one' }, output: { ok: true, channel: 'C024BE91L', ts: '1767225600.000001' } } },
        },
      },
    );
    await runAndSave(
      'branch-and-signal',
      planOf(
        recipeWith([
          { id: 'reply', waitFor: { signal: 'customer_replied', timeout: '1h' } },
          {
            id: 'route',
            branch: [{ when: { '==': [{ var: 'steps.reply.urgent' }, true] }, steps: [{ id: 'page', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#oncall', text: 'urgent reply' } }] }],
            else: [{ id: 'note', action: 'jira.addComment', connection: 'jira-main', input: { issue: 'SUP-1', body: 'replied' } }],
          },
          { id: 'cooldown', delay: '1s' },
        ]),
      ),
      eventOf({}, 'notif_signal'),
      async (h) => {
        await waitFor(async () => (await h.query(stateQuery)).steps.reply?.status === 'waiting', 'signal wait');
        await h.signal(resumeSignal, { signal: 'customer_replied', payload: { urgent: true } });
      },
    );
    await startAndSave('webhook-delivery-retried', 'webhook-delivery/sub-record/msg-retried', () =>
      env.client.workflow.start(webhookDelivery, { taskQueue, workflowId: 'webhook-delivery/sub-record/msg-retried', args: [{ subscriptionId: 'sub-record', messageId: 'msg-retried' }], workflowIdReusePolicy: 'TERMINATE_IF_RUNNING' }),
    );
    await startAndSave('webhook-delivery-gone', 'webhook-delivery/sub-record/msg-gone', () =>
      env.client.workflow.start(webhookDelivery, { taskQueue, workflowId: 'webhook-delivery/sub-record/msg-gone', args: [{ subscriptionId: 'sub-record', messageId: 'msg-gone' }], workflowIdReusePolicy: 'TERMINATE_IF_RUNNING' }),
    );
    const pollPlan = planOf({
      ...recipeWith([{ id: 'post', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'new {{ trigger.key }}' } }]),
      id: 'record-poll',
      trigger: { type: 'poll', connection: 'jira-main', trigger: 'jira.newIssues', every: '5m', input: { jql: 'project = SUP' } },
    });
    const poller = env.client.workflow.getHandle('poll/record-poll');
    await startAndSave(
      'poll-recipe-items',
      'poll/record-poll',
      () => env.client.workflow.start(pollRecipe, { taskQueue, workflowId: 'poll/record-poll', args: [{ plan: pollPlan }], workflowIdReusePolicy: 'TERMINATE_IF_RUNNING' }),
      async () => {
        await waitFor(async () => (await poller.query(pollerStateQuery)).started === 2, 'two runs started by the poller');
        await poller.signal(pollerStopSignal);
      },
    );
  }, 240_000);
});
