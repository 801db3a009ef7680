import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import { ConnectionIds, RecipeId, RecipeVersion, RunStatus, TriggerEvent } from '../../src/temporal/search-attributes';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { ActionActivityInput } from '../../workflows/activity-contract';
import { approvalSignal, connectionRestoredSignal, resumeSignal, runRecipe, stateQuery } from '../../workflows';
import { newRunInput, type Plan, type RunSummary } from '../../workflows/plan';
import { runStatusOf } from '../../src/http/api/run-listing';
import { createTestWorker, useTimeSkippingEnv, waitFor } from '../support/temporal';
import { eventOf, planOf, recipeWith } from '../support/recipes';

type Activity = (input: ActionActivityInput) => Promise<unknown>;

const env = useTimeSkippingEnv();

const slackOk: Activity = async () => ({ ok: true, channel: 'C1', ts: '1.1' });
const EventType = temporal.api.enums.v1.EventType;
const say = (id: string, text: string, extra: Record<string, unknown> = {}) => ({ id, action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text }, ...extra });

/** Runs `body` with a worker on a fresh task queue. */
async function withWorker<T>(activities: Record<string, Activity>, body: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await createTestWorker(env(), { taskQueue, activities });
  return worker.runUntil(body(taskQueue));
}

function start(taskQueue: string, plan: Plan, payload: unknown = {}) {
  return env().client.workflow.start(runRecipe, { taskQueue, workflowId: `run/${plan.recipeId}/${randomUUID()}`, args: [{ plan, event: eventOf(payload), ...newRunInput }] });
}

/** The RunSummary a failed run carries in its failure details. */
async function failedSummary(promise: Promise<unknown>): Promise<{ message: string; summary: RunSummary }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('RecipeRunFailed');
  return { message: (cause as ApplicationFailure).message, summary: (cause as ApplicationFailure).details?.[0] as RunSummary };
}

describe('runRecipe on the time-skipping server', () => {
  it('runs action steps in order, renders templates and returns the summary', async () => {
    const calls: ActionActivityInput[] = [];
    const plan = planOf(
      recipeWith([
        { id: 'ticket', action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 'Urgent: {{ trigger.data.item.title | upper }}', labels: '{{ trigger.data.item.labels }}' } },
        say('notify', 'Created {{ steps.ticket.key }}'),
      ]),
    );
    const result = await withWorker(
      {
        'jira.createIssue': async (input) => (calls.push(input), { id: '1', key: 'SUP-7', self: 'x' }),
        'slack.postMessage': async (input) => (calls.push(input), { ok: true, channel: 'C1', ts: '1.2' }),
      },
      async (tq) => (await start(tq, plan, { data: { item: { title: 'down', labels: ['a', 'b'] } } })).result(),
    );
    expect(calls).toEqual([
      { stepId: 'ticket', connectionId: 'jira-main', input: { project: 'SUP', summary: 'Urgent: DOWN', labels: ['a', 'b'] }, resultEnvelope: 1 },
      { stepId: 'notify', connectionId: 'slack-main', input: { channel: '#c', text: 'Created SUP-7' }, resultEnvelope: 1 },
    ]);
    expect(result).toMatchObject({ recipeId: 'test-recipe', version: plan.version, status: 'succeeded' });
    expect(result.steps.ticket).toEqual({ status: 'succeeded', input: { project: 'SUP', summary: 'Urgent: DOWN', labels: ['a', 'b'] }, output: { id: '1', key: 'SUP-7', self: 'x' } });
  });

  it('a 3-day delay completes at once in skipped time, and the state shows it waiting meanwhile', async () => {
    const plan = planOf(recipeWith([{ id: 'wait', delay: '3d' }, say('after', 'started {{ run.startedAt }}')]));
    let ranAt = 0;
    const t0 = Date.now();
    await withWorker({ 'slack.postMessage': async () => ((ranAt = await env().currentTimeMs()), { ok: true, channel: 'C', ts: '1' }) }, async (tq) => {
      const handle = await start(tq, plan);
      const waiting = await waitFor(async () => {
        const s = await handle.query(stateQuery);
        return s.steps.wait?.status === 'waiting' ? s : undefined;
      }, 'the delay step to wait');
      expect(waiting.status).toBe('waiting');
      expect(waiting.steps.after?.status).toBe('pending');
      const startMs = await env().currentTimeMs();
      const result = await handle.result();
      expect(result.steps.wait?.status).toBe('succeeded');
      expect(ranAt - startMs).toBeGreaterThanOrEqual(3 * 86_400_000 - 60_000);
    });
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('delay until a timestamp from the event (Intercom unix seconds) waits until then in workflow time', async () => {
    const plan = planOf(recipeWith([{ id: 'snooze', delay: { until: '{{ trigger.data.item.snoozed_until }}' } }, say('after', 'woke')]));
    let ranAt = 0;
    const startMs = await env().currentTimeMs();
    const until = Math.floor(startMs / 1000) + 2 * 86_400; // two days after the test server's now
    await withWorker({ 'slack.postMessage': async () => ((ranAt = await env().currentTimeMs()), { ok: true, channel: 'C', ts: '1' }) }, async (tq) => {
      const handle = await start(tq, plan, { data: { item: { snoozed_until: until } } });
      const waiting = await waitFor(async () => {
        const s = await handle.query(stateQuery);
        return s.steps.snooze?.status === 'waiting' ? s : undefined;
      }, 'the delay to wait');
      expect(waiting.steps.snooze?.waitingFor).toBe(`delay until ${new Date(until * 1000).toISOString()}`);
      await handle.result();
    });
    expect(ranAt).toBeGreaterThanOrEqual(until * 1000);
  });

  it('a cancelled run is listed as cancelled', async () => {
    const plan = planOf(recipeWith([{ id: 'wait', delay: '3d' }, say('after', 'x')]));
    const status = await withWorker({ 'slack.postMessage': slackOk }, async (tq) => {
      const handle = await start(tq, plan);
      await waitFor(async () => (await handle.query(stateQuery)).steps.wait?.status === 'waiting', 'the delay');
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      const description = await handle.describe();
      return runStatusOf(description.status.name, description.typedSearchAttributes.get(RunStatus));
    });
    expect(status).toBe('cancelled');
  });

  it('a 24h approval times out: the step fails with Timeout and the run fails', async () => {
    const sent: ActionActivityInput[] = [];
    const plan = planOf(recipeWith([{ id: 'ok', waitFor: { approval: { timeout: '24h' } } }, say('after', 'approved by {{ steps.ok.by }}')]));
    const { message, summary } = await withWorker({ 'slack.postMessage': async (i) => (sent.push(i), { ok: true, channel: 'C', ts: '1' }) }, async (tq) =>
      failedSummary((await start(tq, plan)).result()),
    );
    expect(message).toBe('step ok failed: Timeout: no approval within 24h');
    expect(summary.steps.ok).toMatchObject({ status: 'failed', error: { kind: 'Timeout', message: 'no approval within 24h' } });
    expect(summary.steps.after?.status).toBe('skipped');
    expect(sent).toEqual([]);
  });

  it('an approval resumes the run and later steps read who approved', async () => {
    const sent: ActionActivityInput[] = [];
    const plan = planOf(recipeWith([{ id: 'ok', waitFor: { approval: { timeout: '24h' } } }, say('after', 'approved by {{ steps.ok.by }}: {{ steps.ok.comment }}')]));
    const result = await withWorker({ 'slack.postMessage': async (i) => (sent.push(i), { ok: true, channel: 'C', ts: '1' }) }, async (tq) => {
      const handle = await start(tq, plan);
      await waitFor(async () => (await handle.query(stateQuery)).steps.ok?.status === 'waiting', 'the approval wait');
      await handle.signal(approvalSignal, { approved: true, by: 'lin', comment: 'go' });
      return handle.result();
    });
    expect(sent.map((s) => (s.input as { text: string }).text)).toEqual(['approved by lin: go']);
    expect(result.steps.ok).toMatchObject({ status: 'succeeded', output: { approved: true, by: 'lin', comment: 'go' } });
  });

  it('a waitFor signal resumes with its payload (also when the signal came first)', async () => {
    const sent: string[] = [];
    const plan = planOf(recipeWith([say('first', 'hello'), { id: 'reply', waitFor: { signal: 'customerReplied', timeout: '2h' } }, say('after', 'reply: {{ steps.reply.text }}')]));
    await withWorker({ 'slack.postMessage': async (i) => (sent.push((i.input as { text: string }).text), { ok: true, channel: 'C', ts: '1' }) }, async (tq) => {
      const handle = await start(tq, plan);
      await handle.signal(resumeSignal, { signal: 'other', payload: { text: 'ignored' } });
      await handle.signal(resumeSignal, { signal: 'customerReplied', payload: { text: 'thanks!' } });
      await handle.result();
    });
    expect(sent).toEqual(['hello', 'reply: thanks!']);
  });

  it('retries follow the step policy: 3 attempts, then the step fails with attempts=3', async () => {
    let calls = 0;
    const plan = planOf(recipeWith([say('flaky', 'x', { retry: { maxAttempts: 3, initialInterval: '10s', backoff: 2 } })]));
    const { summary } = await withWorker(
      {
        'slack.postMessage': async () => {
          calls++;
          throw ApplicationFailure.create({ type: 'Retryable', message: 'HTTP 503 from Slack' });
        },
      },
      async (tq) => failedSummary((await start(tq, plan)).result()),
    );
    expect(calls).toBe(3);
    expect(summary.steps.flaky).toMatchObject({ status: 'failed', attempts: 3, error: { kind: 'Retryable', message: 'HTTP 503 from Slack' } });
  });

  it('the policy stops retrying the non-retryable failure types even without the nonRetryable flag', async () => {
    let calls = 0;
    const plan = planOf(recipeWith([say('bad', 'x', { retry: { maxAttempts: 5 } })]));
    const { summary } = await withWorker(
      {
        'slack.postMessage': async () => {
          calls++;
          throw ApplicationFailure.create({ type: 'InvalidInput', message: 'channel_not_found' });
        },
      },
      async (tq) => failedSummary((await start(tq, plan)).result()),
    );
    expect(calls).toBe(1);
    expect(summary.steps.bad).toMatchObject({ status: 'failed', error: { kind: 'InvalidInput', message: 'channel_not_found' } });
  });

  it('onError: continue records the failure and goes on', async () => {
    const sent: string[] = [];
    const plan = planOf(recipeWith([say('optional', 'one', { onError: 'continue' }), say('next', 'two')]));
    const result = await withWorker(
      {
        'slack.postMessage': async (i) => {
          const text = (i.input as { text: string }).text;
          if (text === 'one') throw ApplicationFailure.create({ type: 'Fatal', message: 'not_in_channel' });
          sent.push(text);
          return { ok: true, channel: 'C', ts: '1' };
        },
      },
      async (tq) => (await start(tq, plan)).result(),
    );
    expect(result.status).toBe('succeeded');
    expect(result.steps.optional).toMatchObject({ status: 'failed', error: { kind: 'Fatal', message: 'not_in_channel' } });
    expect(result.steps.next?.status).toBe('succeeded');
    expect(sent).toEqual(['two']);
  });

  it('a branch runs the first matching case only; the other cases are skipped', async () => {
    const sent: string[] = [];
    const plan = planOf(
      recipeWith([
        {
          id: 'route',
          branch: [
            { when: { '==': [{ var: 'trigger.priority' }, 'high'] }, steps: [say('high', 'HIGH')] },
            { when: { '==': [{ var: 'trigger.priority' }, 'low'] }, steps: [say('low', 'LOW')] },
          ],
          else: [say('other', 'OTHER')],
        },
        say('after', 'case {{ steps.route.case }}'),
      ]),
    );
    const results = await withWorker({ 'slack.postMessage': async (i) => (sent.push((i.input as { text: string }).text), { ok: true, channel: 'C', ts: '1' }) }, async (tq) => {
      const low = await (await start(tq, plan, { priority: 'low' })).result();
      const none = await (await start(tq, plan, { priority: 'meh' })).result();
      return { low, none };
    });
    expect(sent).toEqual(['LOW', 'case 1', 'OTHER', 'case else']);
    expect(results.low.steps).toMatchObject({ high: { status: 'skipped' }, low: { status: 'succeeded' }, other: { status: 'skipped' } });
    expect(results.none.steps).toMatchObject({ high: { status: 'skipped' }, low: { status: 'skipped' }, other: { status: 'succeeded' } });
  });

  it('a step with a false when is skipped and records the condition', async () => {
    const plan = planOf(recipeWith([say('maybe', 'x', { when: { '>': [{ var: 'trigger.count' }, 5] } })]));
    const result = await withWorker({ 'slack.postMessage': slackOk }, async (tq) => (await start(tq, plan, { count: 2 })).result());
    expect(result.steps.maybe).toEqual({ status: 'skipped', condition: false });
  });

  it('a condition or template past its budget fails the run with a clear error, and no later step runs', async () => {
    const sent: ActionActivityInput[] = [];
    const doubling = { reduce: [{ var: 'trigger.rounds' }, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] };
    const plan = planOf(recipeWith([say('guarded', 'x', { when: { '>': [{ reduce: [doubling, { '+': [{ var: 'accumulator' }, 1] }, 0] }, 0] } }), say('after', 'y')]));
    const rounds = Array.from({ length: 30 }, (_, i) => i);
    const { summary } = await withWorker({ 'slack.postMessage': async (i) => (sent.push(i), { ok: true, channel: 'C', ts: '1' }) }, async (tq) =>
      failedSummary((await start(tq, plan, { rounds })).result()),
    );
    expect(summary.steps.guarded).toMatchObject({ status: 'failed', error: { kind: 'Condition', message: expect.stringContaining('"merge" built an array of 16384 elements') } });
    expect(sent).toEqual([]);

    const squaring = planOf(recipeWith([say('post', '{{ trigger.text | replace: "a", trigger.text }}')]));
    const squared = await withWorker({ 'slack.postMessage': async (i) => (sent.push(i), { ok: true, channel: 'C', ts: '1' }) }, async (tq) =>
      failedSummary((await start(tq, squaring, { text: 'a'.repeat(5_000) })).result()),
    );
    expect(squared.summary.steps.post).toMatchObject({ status: 'failed', error: { kind: 'Template', message: expect.stringContaining('memory alloc limit exceeded') } });
    expect(sent).toEqual([]);
  });

  it('forEach honours its concurrency cap and gives each iteration its own idempotency step key', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const keys: string[] = [];
    const plan = planOf(recipeWith([{ id: 'each', forEach: '{{ trigger.tags }}', as: 'tag', concurrency: 2, steps: [say('post', '{{ tag }} #{{ index }}')] }]));
    const result = await withWorker(
      {
        'slack.postMessage': async (i) => {
          keys.push(i.stepId);
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 150));
          inFlight--;
          return { ok: true, channel: 'C', ts: '1' };
        },
      },
      async (tq) => (await start(tq, plan, { tags: ['a', 'b', 'c', 'd', 'e', 'f'] })).result(),
    );
    expect(maxInFlight).toBe(2);
    expect(keys.sort()).toEqual(['post[0]', 'post[1]', 'post[2]', 'post[3]', 'post[4]', 'post[5]']);
    expect(result.steps.each).toMatchObject({ status: 'succeeded', output: { count: 6, succeeded: 6, failed: 0 }, progress: { total: 6, done: 6, failed: 0 } });
  });

  it('a long forEach runs in child workflows of 100 items and returns counts only', async () => {
    const seen = new Set<string>();
    const items = Array.from({ length: 230 }, (_, i) => `u${i}`);
    const plan = planOf(recipeWith([{ id: 'each', forEach: '{{ trigger.users }}', concurrency: 20, steps: [say('post', '{{ item }}')] }]));
    const { result, children } = await withWorker({ 'slack.postMessage': async (i) => (seen.add((i.input as { text: string }).text), { ok: true, channel: 'C', ts: '1' }) }, async (tq) => {
      const handle = await start(tq, plan, { users: items });
      const result = await handle.result();
      const history = await handle.fetchHistory();
      const children = history.events?.filter((e) => e.childWorkflowExecutionCompletedEventAttributes).length ?? 0;
      return { result, children };
    });
    expect(seen.size).toBe(230);
    expect(children).toBe(3);
    expect(result.steps.each).toMatchObject({ status: 'succeeded', output: { count: 230, succeeded: 230, failed: 0 } });
  }, 120_000);

  it('a 10,000-item forEach stays far from history limits: 100 chunk children, the list is not repeated in their inputs', async () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `user-${String(i).padStart(5, '0')}@example.com`);
    const seen: string[] = [];
    // Every 1000th item posts; the rest are skipped by the step's condition (the loop still walks all of them).
    const plan = planOf(
      recipeWith([{ id: 'each', forEach: '{{ trigger.users }}', concurrency: 10, steps: [say('post', '{{ item }}', { when: { '==': [{ '%': [{ var: 'index' }, 1000] }, 0] } })] }]),
    );
    const { result, events, bytes } = await withWorker({ 'slack.postMessage': async (i) => (seen.push((i.input as { text: string }).text), { ok: true, channel: 'C', ts: '1' }) }, async (tq) => {
      const handle = await start(tq, plan, { users });
      const result = await handle.result();
      const history = await handle.fetchHistory();
      return { result, events: history.events?.length ?? 0, bytes: JSON.stringify(history).length };
    });
    expect(result.steps.each).toMatchObject({ status: 'succeeded', output: { count: 10_000, succeeded: 10_000, failed: 0 } });
    expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, k) => `user-${String(k * 1000).padStart(5, '0')}@example.com`));
    // 100 children × (initiated, started, completed + 2 workflow tasks) ≈ 900 events; the list itself is ~300 KB.
    expect(events).toBeLessThan(1000);
    expect(bytes).toBeLessThan(2_500_000);
  }, 180_000);

  it('auth lost: the step waits for connectionRestored, then retries', async () => {
    let calls = 0;
    const plan = planOf(recipeWith([say('post', 'x')]));
    const result = await withWorker(
      {
        'slack.postMessage': async () => {
          if (++calls === 1) throw ApplicationFailure.create({ type: 'AuthLost', message: '401 from Slack: token_revoked' });
          return { ok: true, channel: 'C', ts: '1' };
        },
      },
      async (tq) => {
        const handle = await start(tq, plan);
        const waiting = await waitFor(async () => {
          const s = await handle.query(stateQuery);
          return s.steps.post?.status === 'waiting' ? s : undefined;
        }, 'the step to wait for its connection');
        expect(waiting.status).toBe('waiting');
        expect(waiting.steps.post?.waitingFor).toBe('connection slack-main (401 from Slack: token_revoked)');
        await handle.signal(connectionRestoredSignal, { connectionId: 'slack-main' });
        return handle.result();
      },
    );
    expect(calls).toBe(2);
    expect(result.steps.post?.status).toBe('succeeded');
  });

  it('connectionRestored sent to the run reaches a forEach chunk child that waits on the connection', async () => {
    let authFailures = 0;
    const seen = new Set<string>();
    const plan = planOf(recipeWith([{ id: 'each', forEach: '{{ trigger.users }}', concurrency: 5, steps: [say('post', '{{ item }}')] }]));
    const result = await withWorker(
      {
        'slack.postMessage': async (i) => {
          const text = (i.input as { text: string }).text;
          if (text === 'u120' && authFailures === 0) {
            authFailures++;
            throw ApplicationFailure.create({ type: 'AuthLost', message: '401 from Slack: token_revoked' });
          }
          seen.add(text);
          return { ok: true, channel: 'C', ts: '1' };
        },
      },
      async (tq) => {
        const handle = await start(tq, plan, { users: Array.from({ length: 150 }, (_, i) => `u${i}`) });
        // The failing item is in the second chunk, 120 items in: a busy machine needs more than the default 20 s.
        await waitFor(async () => authFailures === 1, 'the chunk to lose auth', 60_000);
        // As the engine does: the run (parent) is signalled; it forwards to its active chunk.
        // Checked before signalling too: once the item is retried the run may finish, and a signal to a closed run fails.
        await waitFor(async () => {
          if (seen.has('u120')) return true;
          await handle.signal(connectionRestoredSignal, { connectionId: 'slack-main' });
          return seen.has('u120');
        }, 'the waiting item to be retried');
        return handle.result();
      },
    );
    expect(seen.size).toBe(150);
    expect(result.steps.each).toMatchObject({ status: 'succeeded', output: { count: 150, failed: 0 } });
  }, 120_000);

  it('history stays small: each action step adds a fixed, small number of events', async () => {
    const one = planOf(recipeWith([say('a', 'x')]));
    const three = planOf(recipeWith([say('a', 'x'), say('b', '{{ steps.a.ts }}', { when: { '==': [1, 1] } }), say('c', 'y')]));
    let eventTypes: string[] = [];
    const counts = await withWorker({ 'slack.postMessage': slackOk }, async (tq) => {
      const h1 = await start(tq, one);
      await h1.result();
      const h3 = await start(tq, three);
      await h3.result();
      const e1 = (await h1.fetchHistory()).events ?? [];
      eventTypes = e1.map((e) => String(e.eventType));
      return [e1.length, (await h3.fetchHistory()).events?.length ?? 0];
    });
    const perStep = (counts[1]! - counts[0]!) / 2;
    // ActivityTaskScheduled/Started/Completed + WorkflowTaskScheduled/Started/Completed; conditions and templates add none.
    expect(perStep).toBe(6);
    // started, WFT×3, upsert (start attributes), activity×3, WFT×3, completed
    expect(eventTypes.length).toBe(12);
  });

  it('a short idempotent step runs as a local activity (one marker; a Retry-After of minutes is a server timer); a long or non-idempotent step is a regular activity', async () => {
    let calls = 0;
    const upsert = (id: string, email: string, extra: Record<string, unknown> = {}) => ({ id, action: 'mailchimp.upsertMember', connection: 'mailchimp-main', input: { listId: 'l', email }, ...extra });
    const plan = planOf(recipeWith([upsert('limited', 'a@b.c'), upsert('slow', 'c@d.e', { timeout: '2m' }), say('post', 'y')]));
    const { result, types, timers } = await withWorker(
      {
        'mailchimp.upsertMember': async (i) => {
          calls++;
          const { email } = i.input as { email: string };
          if (email === 'a@b.c' && Context.current().info.attempt === 1) {
            throw ApplicationFailure.create({ type: 'RateLimited', message: 'HTTP 429 from Mailchimp', nextRetryDelay: '5m' });
          }
          return { id: email, email, status: 'subscribed', listId: 'l' };
        },
        'slack.postMessage': slackOk,
      },
      async (tq) => {
        const handle = await start(tq, plan);
        const result = await handle.result();
        const events = (await handle.fetchHistory()).events ?? [];
        const timers = events.flatMap((e) => (e.timerStartedEventAttributes ? [Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0)] : []));
        return { result, types: events.map((e) => e.eventType), timers };
      },
    );
    expect(result.status).toBe('succeeded');
    expect(calls).toBe(3);
    // The 5-minute wait was a workflow timer on the server (skipped here), not a sleep in the worker.
    expect(timers).toContain(300);
    // limited: markers (the local activity, before and after its backoff); slow and post: an activity task each.
    expect(types.filter((t) => t === EventType.EVENT_TYPE_MARKER_RECORDED).length).toBeGreaterThanOrEqual(1);
    expect(types.filter((t) => t === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toHaveLength(2);
  });

  it.each([
    { input: 'newRunInput', extra: newRunInput, closing: 'running', events: 11 },
    { input: 'an input from before closingStatus', extra: {}, closing: 'succeeded', events: 12 },
  ])('a run started with its search attributes set (as the ingress does), $input: upserts nothing, or only its closing status', async ({ extra, closing, events: expected }) => {
    const plan = planOf(recipeWith([say('a', 'x')]));
    const events = await withWorker({ 'slack.postMessage': slackOk }, async (tq) => {
      const handle = await env().client.workflow.start(runRecipe, {
        taskQueue: tq,
        workflowId: `run/${plan.recipeId}/${randomUUID()}`,
        args: [{ plan, event: eventOf({}), ...extra }],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: RecipeId, value: plan.recipeId },
          { key: RecipeVersion, value: plan.version },
          { key: TriggerEvent, value: 'conversation.user.created' },
          { key: ConnectionIds, value: plan.connections },
          { key: RunStatus, value: 'running' },
        ]),
      });
      await handle.result();
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(RunStatus)).toBe(closing);
      expect(runStatusOf(description.status.name, description.typedSearchAttributes.get(RunStatus))).toBe('succeeded');
      expect(description.typedSearchAttributes.get(RecipeVersion)).toBe(plan.version);
      return (await handle.fetchHistory()).events ?? [];
    });
    expect(events.length).toBe(expected);
  });

  it('a succeeded step shows its attempts: fails twice retryably, then succeeds on attempt 3', async () => {
    let calls = 0;
    const plan = planOf(recipeWith([say('flaky', 'x', { retry: { maxAttempts: 5, initialInterval: '10s' } }), say('steady', 'y')]));
    const result = await withWorker(
      {
        // As activities/run-action.ts answers when the workflow asks for the envelope.
        'slack.postMessage': async (i) => {
          calls++;
          if ((i.input as { text: string }).text === 'x' && Context.current().info.attempt < 3) {
            throw ApplicationFailure.create({ type: 'Retryable', message: 'HTTP 503 from Slack' });
          }
          expect(i.resultEnvelope).toBe(1);
          return { switchyardResult: 1, output: { ok: true, channel: 'C', ts: `${calls}.0` }, attempt: Context.current().info.attempt };
        },
      },
      async (tq) => (await start(tq, plan)).result(),
    );
    expect(calls).toBe(4);
    expect(result.steps.flaky).toMatchObject({ status: 'succeeded', attempts: 3, output: { ts: '3.0' } });
    expect(result.steps.steady).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('attempts count vendor calls across a connection wait: auth lost → 2, paused (never called) → 1', async () => {
    const failures: Record<string, ApplicationFailure> = {
      lost: ApplicationFailure.create({ type: 'AuthLost', message: '401 from Slack: token_revoked', nonRetryable: true, details: [{ kind: 'auth_lost', status: 401, attempt: 1 }] }),
      paused: ApplicationFailure.create({ type: 'ConnectionUnavailable', message: 'connection slack-main is paused', nonRetryable: true, details: [{ connectionId: 'slack-main', status: 'paused' }] }),
    };
    const failed = new Set<string>();
    const plan = planOf(recipeWith([say('lost', 'lost'), say('paused', 'paused')]));
    const result = await withWorker(
      {
        'slack.postMessage': async (i) => {
          const text = (i.input as { text: string }).text;
          if (!failed.has(text)) {
            failed.add(text);
            throw failures[text]!;
          }
          return { switchyardResult: 1, output: { ok: true, channel: 'C', ts: '1' }, attempt: Context.current().info.attempt };
        },
      },
      async (tq) => {
        const handle = await start(tq, plan);
        for (const id of ['lost', 'paused']) {
          await waitFor(async () => (await handle.query(stateQuery)).steps[id]?.status === 'waiting', `${id} to wait`);
          await handle.signal(connectionRestoredSignal, { connectionId: 'slack-main' });
        }
        return handle.result();
      },
    );
    expect(result.steps.lost).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(result.steps.paused).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('an activity worker that answers with the plain output (older than resultEnvelope) still works; attempts stay unknown', async () => {
    const plan = planOf(recipeWith([say('a', 'x')]));
    const result = await withWorker({ 'slack.postMessage': slackOk }, async (tq) => (await start(tq, plan)).result());
    expect(result.steps.a).toEqual({ status: 'succeeded', input: { channel: '#c', text: 'x' }, output: { ok: true, channel: 'C1', ts: '1.1' } });
  });

  it('a step waiting on a disconnected connection fails after the run\'s wait limit (2 h)', async () => {
    let calls = 0;
    const plan = planOf(recipeWith([say('post', 'x')]));
    const { summary, message } = await withWorker(
      {
        'slack.postMessage': async () => {
          calls++;
          throw ApplicationFailure.create({ type: 'AuthLost', message: '401 from Slack: token_revoked' });
        },
      },
      async (tq) => {
        const handle = await env().client.workflow.start(runRecipe, {
          taskQueue: tq,
          workflowId: `run/${plan.recipeId}/${randomUUID()}`,
          args: [{ plan, event: eventOf({}), connectionWaitMs: 2 * 3_600_000 }],
        });
        const out = await failedSummary(handle.result());
        const history = (await handle.fetchHistory()).events ?? [];
        const timer = history.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
        expect(Number(timer?.startToFireTimeout?.seconds)).toBe(7200);
        return out;
      },
    );
    expect(calls).toBe(1);
    expect(summary.steps.post).toMatchObject({ status: 'failed', error: { kind: 'AuthLost', message: 'connection slack-main stayed disconnected for 2h (401 from Slack: token_revoked)' } });
    expect(message).toContain('connection slack-main stayed disconnected for 2h');
  });

  it('without a wait limit in its input a run waits 72 h for a paused connection', async () => {
    const plan = planOf(recipeWith([say('post', 'x')]));
    const { summary } = await withWorker(
      {
        'slack.postMessage': async () => {
          throw ApplicationFailure.create({ type: 'ConnectionUnavailable', message: 'connection slack-main is paused', nonRetryable: true, details: [{ connectionId: 'slack-main', status: 'paused' }] });
        },
      },
      async (tq) => failedSummary((await start(tq, plan)).result()),
    );
    expect(summary.steps.post?.error?.message).toBe('connection slack-main stayed paused for 3d (connection slack-main is paused)');
  });

  it('a retry (resume input) keeps the earlier steps\' states and outputs and starts at the failed step', async () => {
    const calls: string[] = [];
    const plan = planOf(recipeWith([say('first', 'one'), say('second', 'after {{ steps.first.ts }}'), say('third', 'three')]));
    const result = await withWorker(
      {
        'slack.postMessage': async (i) => {
          calls.push((i.input as { text: string }).text);
          return { ok: true, channel: 'C', ts: '2.0' };
        },
      },
      async (tq) => {
        const handle = await env().client.workflow.start(runRecipe, {
          taskQueue: tq,
          workflowId: `run/${plan.recipeId}/${randomUUID()}-retry-1`,
          args: [
            {
              plan,
              event: eventOf({}),
              resume: { retryOf: 'run/original', fromStepId: 'second', steps: { first: { status: 'succeeded', attempts: 1, input: { channel: '#c', text: 'one' }, output: { ok: true, channel: 'C', ts: '1.0' } } } },
            },
          ],
        });
        return handle.result();
      },
    );
    expect(calls).toEqual(['after 1.0', 'three']);
    expect(result).toMatchObject({ status: 'succeeded', retryOf: 'run/original' });
    expect(result.steps.first).toEqual({ status: 'succeeded', attempts: 1, input: { channel: '#c', text: 'one' }, output: { ok: true, channel: 'C', ts: '1.0' } });
    expect(result.steps.second).toMatchObject({ status: 'succeeded', input: { text: 'after 1.0' } });
  });
});
