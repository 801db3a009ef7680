import { describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import { formatDiagnostic } from '../../src/recipe/diagnostics';

const connections = new Map([
  ['intercom-main', 'intercom'],
  ['hooks-billing', 'webhook'],
  ['jira-main', 'jira'],
  ['slack-main', 'slack'],
]);
const recipe = (connection: string, event: string) => ({
  id: 'topic-check',
  name: 'Topic check',
  trigger: { type: 'webhook', connection, event },
  steps: [{ id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'hi' } }],
});
/** `known: null` compiles as `recipe check` does, without the connections. */
const compile = (connection: string, event: string, known: Map<string, string> | null = connections) =>
  compileRecipe(recipe(connection, event), { actions: actionCatalog, connections: known ?? undefined });

describe('webhook trigger topics are checked against what the connector publishes', () => {
  it('a misspelt topic is an error at trigger.event with the closest real topic', () => {
    const res = compile('intercom-main', 'conversation.user.creatd');
    expect(res.ok).toBe(false);
    expect(res.diagnostics).toEqual([
      { path: 'trigger.event', message: 'intercom publishes no topic "conversation.user.creatd"', suggestion: 'did you mean "conversation.user.created"?', severity: 'error' },
    ]);
    expect(formatDiagnostic('recipes/x.json', res.diagnostics[0]!)).toBe(
      'recipes/x.json:trigger.event: intercom publishes no topic "conversation.user.creatd" (did you mean "conversation.user.created"?)',
    );
  });

  it('a documented alias compiles to the real topic', () => {
    const res = compile('intercom-main', 'conversation.created');
    expect(res).toMatchObject({ ok: true, diagnostics: [], plan: { trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' } } });
  });

  it('a glob must match at least one published topic', () => {
    expect(compile('intercom-main', 'conversation.*')).toMatchObject({ ok: true, plan: { trigger: { event: 'conversation.*' } } });
    const none = compile('intercom-main', 'meeting.*');
    expect(none.ok).toBe(false);
    expect(none.diagnostics).toEqual([{ path: 'trigger.event', message: '"meeting.*" matches none of the topics intercom publishes', severity: 'error' }]);
  });

  it('the generic webhook connector takes whatever topic its sender names', () => {
    expect(compile('hooks-billing', 'invoice.paid')).toMatchObject({ ok: true, plan: { trigger: { event: 'invoice.paid' } } });
  });

  it('a connection whose connector receives no webhooks is an error at trigger.connection', () => {
    const res = compile('jira-main', 'issue.created');
    expect(res.diagnostics).toEqual([{ path: 'trigger.connection', message: 'connection "jira-main" is a jira connection, which receives no webhooks', severity: 'error' }]);
  });

  it('without the connections (recipe check of files) the connector is read from the <connector>-<name> convention', () => {
    expect(compile('intercom-main', 'conversation.user.creatd', null).diagnostics).toMatchObject([{ path: 'trigger.event', suggestion: 'did you mean "conversation.user.created"?' }]);
    expect(compile('intercom-main', 'conversation.created', null)).toMatchObject({ ok: true, plan: { trigger: { event: 'conversation.user.created' } } });
    // An id that names no connector is not guessed at.
    expect(compile('support-inbox', 'conversation.user.creatd', null)).toMatchObject({ ok: true, diagnostics: [] });
  });
});
