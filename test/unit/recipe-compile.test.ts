import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { defaultActionTimeoutMs } from '../../connectors/sdk/action-catalog';
import { nonRetryableFailureTypes } from '../../workflows/activity-contract';
import { compileRecipe } from '../../src/recipe/compile';
import { recipeJsonSchema } from '../../src/recipe/json-schema';
import { planMatchesEvent } from '../../src/recipe/match';
import { topicMatches } from '../../src/recipe/topic-glob';
import { runWorkflowId as ingressRunId } from '../../src/engine/start-runs';
import { runWorkflowId } from '../../src/recipe/run-id';
import { runWorkflowIdPure } from '../../workflows/expr/sha256';
import { testCatalog, testConnections } from '../support/test-catalog';
import { planOf, recipeWith } from '../support/recipes';

const ctx = { actions: testCatalog, connections: testConnections };

describe('compileRecipe → plan', () => {
  it('normalises steps: activity type, connection, retry policy with the non-retryable failure types, timeouts in ms', () => {
    const plan = planOf(
      recipeWith([
        { id: 'ticket', action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 's' }, retry: { maxAttempts: 5, initialInterval: '2s', backoff: 3, maxInterval: '1m' }, timeout: '30s' },
        { id: 'sub', action: 'mailchimp.upsertMember', connection: 'mailchimp-main', input: { listId: 'l', email: 'a@b.c' }, onError: 'continue' },
        { id: 'hook', action: 'webhook.post', input: { url: 'https://example.com/x', body: '{{ steps.ticket }}' } },
      ]),
    );
    expect(plan.steps[0]).toEqual({
      kind: 'action',
      id: 'ticket',
      onError: 'fail',
      activityType: 'jira.createIssue',
      connector: 'jira',
      connection: 'jira-main',
      input: { project: 'SUP', summary: 's' },
      startToCloseTimeout: 30_000,
      retry: { maximumAttempts: 5, initialInterval: 2000, backoffCoefficient: 3, maximumInterval: 60_000, nonRetryableErrorTypes: nonRetryableFailureTypes },
      execution: 'regular',
    });
    // idempotent action → the generous preset; non-idempotent → 3 attempts; no timeout anywhere → the SDK default
    expect(plan.steps[1]).toMatchObject({ onError: 'continue', startToCloseTimeout: defaultActionTimeoutMs, retry: { maximumAttempts: 10 } });
    expect(plan.steps[2]).toMatchObject({ connection: null, retry: { maximumAttempts: 3, nonRetryableErrorTypes: nonRetryableFailureTypes } });
    expect(plan.connections).toEqual(['intercom-main', 'jira-main', 'mailchimp-main']);
    expect(plan.enabled).toBe(true);
  });

  it('runs short steps as local activities (their effect makes a repeat harmless, the ledger answers an at-least-once one); long ones (a longer step or action timeout) as regular activities', () => {
    // The registry's catalogue: Dropbox's upload declares a 2-minute timeout.
    const compiled = compileRecipe(
      recipeWith([
        { id: 'short', action: 'mailchimp.upsertMember', connection: 'mailchimp-main', input: { listId: 'l', email: 'ada@example.com' } },
        { id: 'slow', action: 'mailchimp.upsertMember', connection: 'mailchimp-main', input: { listId: 'l', email: 'ada@example.com' }, timeout: '31s' },
        { id: 'post', action: 'webhook.post', input: { url: 'https://example.com/x', body: {} } },
        { id: 'upload', action: 'dropbox.uploadFile', connection: 'dropbox-main', input: { path: '/a.txt', content: { text: 'x' } } },
      ]),
      { actions: actionCatalog, connections: new Map([...testConnections, ['dropbox-main', 'dropbox']]) },
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    const plan = compiled.plan;
    expect(plan.steps.map((s) => [s.id, s.kind === 'action' ? s.execution : undefined])).toEqual([
      ['short', 'local'],
      ['slow', 'regular'],
      ['post', 'local'],
      ['upload', 'regular'],
    ]);
    // A catalogue that declares no effects (older connectors' adapters): only idempotent actions run locally.
    const noEffects = planOf(recipeWith([{ id: 'post', action: 'webhook.post', input: { url: 'https://example.com/x', body: {} } }]));
    expect(noEffects.steps[0]).toMatchObject({ execution: 'regular' });
  });

  it('compiles every step kind', () => {
    const plan = planOf(
      recipeWith([
        { id: 'wait', delay: '3d' },
        { id: 'until', delay: { until: '{{ trigger.data.item.snoozed_until }}' } },
        { id: 'ok', waitFor: { approval: { timeout: '24h' } } },
        { id: 'sig', waitFor: { signal: 'customerReplied', timeout: '2h' } },
        { id: 'route', branch: [{ when: { var: 'steps.ok.approved' }, steps: [{ id: 'yes', delay: '1m' }] }], else: [{ id: 'no', delay: '2m' }] },
        { id: 'each', forEach: '{{ trigger.data.item.tags.tags }}', as: 'tag', concurrency: 3, steps: [{ id: 'say', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: '{{ tag.name }} {{ index }}' } }] },
      ]),
    );
    expect(plan.steps.map((s) => s.kind)).toEqual(['delay', 'delay', 'waitFor', 'waitFor', 'branch', 'forEach']);
    expect(plan.steps[0]).toMatchObject({ durationMs: 3 * 86_400_000 });
    expect(plan.steps[2]).toMatchObject({ approval: true, timeoutMs: 86_400_000 });
    expect(plan.steps[3]).toMatchObject({ signal: 'customerReplied', timeoutMs: 7_200_000 });
    expect(plan.steps[5]).toMatchObject({ as: 'tag', concurrency: 3, items: '{{ trigger.data.item.tags.tags }}' });
  });

  it('version is a content hash: stable under key order, changed by any edit', () => {
    const a = planOf(recipeWith([{ id: 'w', delay: '1m' }]));
    const b = planOf({ steps: [{ delay: '1m', id: 'w' }], trigger: { event: 'conversation.user.created', connection: 'intercom-main', type: 'webhook' }, name: 'Test recipe', id: 'test-recipe' });
    const c = planOf(recipeWith([{ id: 'w', delay: '2m' }]));
    expect(a.version).toMatch(/^[0-9a-f]{16}$/);
    expect(b.version).toBe(a.version);
    expect(c.version).not.toBe(a.version);
  });

  it('without known connections it does not check them; templated input is not checked statically', () => {
    const r = recipeWith([{ id: 't', action: 'jira.createIssue', connection: 'anything', input: { project: '{{ trigger.project }}', summary: 's' } }]);
    expect(compileRecipe(r, { actions: testCatalog }).ok).toBe(true);
  });

  it('warnings do not stop compilation', () => {
    const result = compileRecipe(recipeWith([{ id: 'w', delay: '1m' }]), ctx);
    expect(result).toMatchObject({ ok: true, diagnostics: [{ path: 'steps[0]', message: 'the recipe ends with a delay, which only makes the run last longer', severity: 'warning' }] });
  });

  it('steps inside an earlier branch are readable later', () => {
    const r = recipeWith([
      { id: 'route', branch: [{ when: true, steps: [{ id: 'made', action: 'jira.createIssue', connection: 'jira-main', input: { project: 'P', summary: 's' } }] }] },
      { id: 'say', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: '{{ steps.made.key | default: "none" }} {{ steps.route.case }}' } },
    ]);
    expect(compileRecipe(r, ctx)).toMatchObject({ ok: true });
  });
});

describe('planMatchesEvent', () => {
  const plan = planOf(
    recipeWith([{ id: 'w', delay: '1m' }], {
      trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation_part.tag.*' },
      when: { some: [{ var: 'trigger.data.item.tags_added.tags' }, { '==': [{ var: 'name' }, 'urgent'] }] },
    }),
  );
  const urgent = { data: { item: { tags_added: { tags: [{ name: 'urgent' }] } } } };

  it('matches connection, topic glob and the top-level when', () => {
    expect(planMatchesEvent(plan, { source: 'intercom-main', topic: 'conversation_part.tag.created', payload: urgent })).toBe(true);
    expect(planMatchesEvent(plan, { source: 'intercom-other', topic: 'conversation_part.tag.created', payload: urgent })).toBe(false);
    expect(planMatchesEvent(plan, { source: 'intercom-main', topic: 'conversation.user.created', payload: urgent })).toBe(false);
    expect(planMatchesEvent(plan, { source: 'intercom-main', topic: 'conversation_part.tag.created', payload: { data: { item: { tags_added: { tags: [{ name: 'vip' }] } } } } })).toBe(false);
  });

  it('does not match disabled recipes; event triggers match API events only', () => {
    expect(planMatchesEvent({ ...plan, enabled: false }, { source: 'intercom-main', topic: 'conversation_part.tag.created', payload: urgent })).toBe(false);
    const api = planOf(recipeWith([{ id: 'w', delay: '1m' }], { trigger: { type: 'event', event: 'order.*' } }));
    expect(planMatchesEvent(api, { source: 'api', topic: 'order.paid', payload: {} })).toBe(true);
    expect(planMatchesEvent(api, { source: 'intercom-main', topic: 'order.paid', payload: {} })).toBe(false);
  });

  it('globs', () => {
    expect(topicMatches('*', 'a.b.c')).toBe(true);
    expect(topicMatches('contact.*.created', 'contact.user.created')).toBe(true);
    expect(topicMatches('contact.user.created', 'contact.user.created.x')).toBe(false);
    expect(topicMatches('a.b', 'aXb')).toBe(false);
  });
});

describe('run ids', () => {
  it('are run/<recipe>/<hash of source + event id>: stable, distinct, without the raw event id', () => {
    const id = runWorkflowId('urgent-to-jira', 'intercom-main', 'notif_ccd8a4d0-ada@example.com');
    expect(id).toMatch(/^run\/urgent-to-jira\/[0-9a-f]{32}$/);
    expect(id).not.toContain('ada');
    expect(runWorkflowId('urgent-to-jira', 'intercom-main', 'notif_ccd8a4d0-ada@example.com')).toBe(id);
    expect(runWorkflowId('urgent-to-jira', 'intercom-other', 'notif_ccd8a4d0-ada@example.com')).not.toBe(id);
  });

  it('the ingress, the compiler helper and the workflow-side (pure sha256) ids agree', () => {
    for (const [source, id] of [['intercom-main', 'notif_1'], ['api', 'évènement-✓'], ['poll:jira-main', 'SUP-1']] as const) {
      expect(runWorkflowIdPure('r', source, id)).toBe(runWorkflowId('r', source, id));
      expect(ingressRunId('r', { source, id })).toBe(runWorkflowId('r', source, id));
    }
  });
});

describe('recipe JSON Schema', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(recipeJsonSchema());

  it('accepts recipes the compiler accepts and rejects unknown fields', () => {
    const good = recipeWith([
      { id: 'each', forEach: '{{ trigger.x }}', steps: [{ id: 'w', delay: '1m' }] },
      { id: 'route', branch: [{ when: true, steps: [{ id: 'v', waitFor: { approval: { timeout: '1h' } } }] }] },
    ]);
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, stpes: [] })).toBe(false);
    expect(validate(recipeWith([{ id: 'w', delay: '10 minutes' }]))).toBe(false);
  });
});
