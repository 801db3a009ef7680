import { describe, expect, it } from 'vitest';
import { containerAt, fieldValueAt, lineColumn, locate, parseJson, parsePath } from '../../console/src/recipes/json-text';
import { foldUnchanged, lineDiff } from '../../console/src/recipes/line-diff';
import { fieldsAt } from '../../console/src/recipes/schema-fields';
import { applySuggestion } from '../../console/src/recipes/suggestion';
import { valuesAt, type EditorCatalog } from '../../console/src/recipes/value-hints';
import { compileRecipe } from '../../src/recipe/compile';
import { testCatalog, testConnections } from '../support/test-catalog';

/** A valid recipe; each case breaks one thing the compiler suggests a fix for. */
function base(): Record<string, any> {
  return {
    id: 'urgent-to-jira',
    name: 'Urgent conversations → Jira',
    trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation_part.tag.created' },
    when: { '==': [{ var: 'trigger.data.item.state' }, 'open'] },
    steps: [
      { id: 'ticket', action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 'Urgent: {{ trigger.data.item.source.subject }}' } },
      { id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'Created {{ steps.ticket.key }} for {{ run.id }}' } },
    ],
  };
}

const edit = (change: (r: Record<string, any>) => void) => {
  const r = base();
  change(r);
  return r;
};

const typos: [name: string, recipe: Record<string, any>][] = [
  ['unknown top-level field', edit((r) => (r.descripton = 'Opens a ticket'))],
  ['unknown step field', edit((r) => (r.steps[0].retyr = { maxAttempts: 2 }))],
  ['trigger type', edit((r) => (r.trigger.type = 'webhok'))],
  ['trigger connection', edit((r) => (r.trigger.connection = 'intercom-mian'))],
  ['action', edit((r) => (r.steps[0].action = 'jira.createIsue'))],
  ['step connection', edit((r) => (r.steps[0].connection = 'jira-mian'))],
  ['step reference in a template', edit((r) => (r.steps[1].input.text = 'Created {{ steps.tiket.key }} for {{ run.id }}'))],
  ['output field in a template', edit((r) => (r.steps[1].input.text = 'Created {{ steps.ticket.kye }}'))],
  ['root variable', edit((r) => (r.steps[0].input.summary = '{{ trgger.data.item.id }}'))],
  ['run field', edit((r) => (r.steps[0].input.summary = '{{ run.startTime }}'))],
  ['json-logic operator', edit((r) => (r.when = { '==': [{ vra: 'trigger.data.item.state' }, 'open'] }))],
  ['condition variable', edit((r) => (r.when = { '==': [{ var: 'triger.data.item.state' }, 'open'] }))],
  ['step kind', edit((r) => r.steps.push({ id: 'later', dealy: '10m' }))],
];

const compile = (source: unknown) => compileRecipe(source, { actions: testCatalog, connections: testConnections });

describe('recipe editor: applying "did you mean"', () => {
  it.each(typos)('%s: the fix makes the recipe compile', (_name, recipe) => {
    const text = JSON.stringify(recipe, null, 2);
    const result = compile(recipe);
    expect(result.ok).toBe(false);
    const diagnostic = result.diagnostics.find((d) => d.severity === 'error' && d.suggestion)!;
    expect(diagnostic.suggestion).toMatch(/^did you mean/);
    const fixed = applySuggestion(text, diagnostic);
    expect(fixed, `${diagnostic.path}: ${diagnostic.message} (${diagnostic.suggestion})`).toBeDefined();
    const after = compile(JSON.parse(fixed!.text));
    expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Only the misspelt span changed, and it now says what the compiler suggested.
    const said = /did you mean "?([^"?]+)"?\?/.exec(diagnostic.suggestion!)![1]!;
    expect(fixed!.text.slice(fixed!.start, fixed!.end)).toContain(said);
    expect(fixed!.text.slice(0, fixed!.start)).toBe(text.slice(0, fixed!.start));
    expect(fixed!.text.slice(fixed!.end)).toBe(text.slice(text.length - (fixed!.text.length - fixed!.end)));
  });

  it('leaves text alone when the fix no longer fits (the field was already renamed)', () => {
    const text = JSON.stringify(base(), null, 2);
    expect(applySuggestion(text, { path: 'nmae', message: 'unknown field "nmae"', suggestion: 'did you mean "name"?' })).toBeUndefined();
    expect(applySuggestion('{ "a": ', { path: 'a', message: 'x', suggestion: 'did you mean "b"?' })).toBeUndefined();
    expect(applySuggestion(text, { path: 'id', message: 'the body id differs', suggestion: 'PUT /api/v1/recipes/x, or drop id from the body' })).toBeUndefined();
  });
});

describe('recipe editor: JSON positions', () => {
  const text = '{\n  "steps": [\n    { "id": "a", "input": { "text": "hi" } }\n  ],\n  "odd key": 1\n}';

  it('finds a compiler path in the text', () => {
    const parsed = parseJson(text);
    if (!parsed.ok) throw new Error(parsed.message);
    const at = locate(parsed.tree, parsePath('steps[0].input.text'));
    expect(text.slice(at.node!.start, at.node!.end)).toBe('"hi"');
    expect(lineColumn(text, at.node!.start)).toEqual({ line: 3, column: 37 });
    expect(parsePath('input["odd key"][2].x')).toEqual(['input', 'odd key', 2, 'x']);
    const missing = locate(parsed.tree, parsePath('steps[0].retry.maxAttempts'));
    expect(missing.node).toBeUndefined();
    expect(missing.depth).toBe(2);
  });

  it('reports a syntax error at its line and column', () => {
    const broken = '{\n  "name": "x"\n  "steps": []\n}';
    const parsed = parseJson(broken);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(lineColumn(broken, parsed.offset)).toEqual({ line: 3, column: 3 });
    expect(parsed.message).toBe('expected "," or "}" after a field, found "\\""');
    expect(parseJson('{ "a": "open').ok).toBe(false);
  });

  it('knows which object the caret is in, and the schema its fields', () => {
    const parsed = parseJson(text);
    if (!parsed.ok) throw new Error(parsed.message);
    const inStep = containerAt(parsed.tree, text.indexOf('"id"'));
    expect(inStep?.path).toEqual(['steps', 0]);
    const names = fieldsAt(parsed.value, inStep!.path).map((f) => f.name);
    expect(names).toEqual(['id', 'when', 'onError', 'action', 'connection', 'input', 'retry', 'timeout']);
    const bare = fieldsAt({ steps: [{ id: 'a' }] }, ['steps', 0]).map((f) => f.name);
    expect(bare).toEqual(expect.arrayContaining(['action', 'delay', 'branch', 'forEach', 'waitFor']));
    const action = fieldsAt({ steps: [{ id: 'a', action: 'x.y' }] }, ['steps', 0]).map((f) => f.name);
    expect(action).toContain('retry');
    expect(action).not.toContain('delay');
    const webhook = fieldsAt({ trigger: { type: 'webhook' } }, ['trigger']);
    expect(webhook.map((f) => f.name)).toEqual(['type', 'connection', 'event']);
    expect(fieldsAt({}, []).find((f) => f.name === 'name')).toMatchObject({ required: true, example: '' });
    expect(fieldsAt({ kind: 'sync' }, []).map((f) => f.name)).toContain('left');
  });
});

describe('recipe editor: line diff', () => {
  it('marks removed and added lines between two versions', () => {
    const rows = lineDiff('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(rows.map((r) => `${r.kind} ${r.text}`)).toEqual(['same a', 'removed b', 'added B', 'same c', 'same d', 'added e']);
    expect(rows.filter((r) => r.kind === 'same').map((r) => [r.oldLine, r.newLine])).toEqual([
      [1, 1],
      [3, 3],
      [4, 4],
    ]);
    expect(lineDiff('x', 'x')).toEqual([{ kind: 'same', text: 'x', oldLine: 1, newLine: 1 }]);
  });

  it('folds long unchanged runs, keeping three lines of context around a change', () => {
    const old = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const changed = old.map((l, i) => (i === 9 ? 'line ten' : l));
    const hunks = foldUnchanged(lineDiff(old.join('\n'), changed.join('\n')));
    expect(hunks.map((h) => (h.kind === 'skipped' ? `… ${h.count}` : h.rows.map((r) => r.kind[0]).join('')))).toEqual(['… 6', 'sssrasss', '… 7']);
  });
});

describe('recipe editor: value hints', () => {
  const entry = (type: string, title: string) => ({ type, key: type.split('.')[1]!, title, description: '' });
  const catalog: EditorCatalog = {
    connections: [
      { id: 'slack-main', name: 'Slack', connector: 'slack' },
      { id: 'jira-main', name: 'Jira', connector: 'jira' },
      { id: 'intercom-main', name: 'Intercom', connector: 'intercom' },
    ],
    connectors: [
      { id: 'slack', actions: [entry('slack.postMessage', 'Post a message'), entry('slack.updateMessage', 'Update a message')], pollingTriggers: [] },
      { id: 'jira', actions: [entry('jira.createIssue', 'Create an issue')], pollingTriggers: [entry('jira.issueUpdated', 'Issue updated')] },
    ],
  };
  const values = (doc: unknown, path: (string | number)[]) => valuesAt(doc, path, catalog).map((h) => h.value);
  const sync = { kind: 'sync', direction: 'both', conflicts: 'newestWins', frequency: '15m', fields: [{ left: 'email', right: 'Email', direction: 'both' }], left: { connection: 'intercom-main' } };

  it('offers the enum and const values the schema names', () => {
    expect(values(sync, ['direction'])).toEqual(['both', 'leftToRight', 'rightToLeft']);
    expect(values(sync, ['fields', 0, 'direction'])).toEqual(['both', 'leftToRight', 'rightToLeft']);
    expect(values(sync, ['conflicts'])).toEqual(['newestWins', 'leftWins', 'rightWins']);
    // "realtime" or a duration pattern: the one value it can name.
    expect(values(sync, ['frequency'])).toEqual(['realtime']);
    // Every kind of trigger, whichever the recipe has now; true/false for a boolean.
    expect(values({ trigger: { type: 'webhook', connection: 'x', event: 'y' } }, ['trigger', 'type'])).toEqual(['webhook', 'event', 'schedule', 'poll']);
    expect(values({ enabled: true }, ['enabled'])).toEqual([true, false]);
  });

  it('offers the installed connections, narrowed to the connector the step’s action names', () => {
    expect(values(sync, ['left', 'connection'])).toEqual(['slack-main', 'jira-main', 'intercom-main']);
    expect(values({ steps: [{ id: 'a', action: 'slack.postMessage', connection: '' }] }, ['steps', 0, 'connection'])).toEqual(['slack-main']);
    expect(valuesAt({ trigger: { type: 'webhook', connection: 'intercom-main' } }, ['trigger', 'connection'], catalog).find((h) => h.value === 'intercom-main')?.detail).toBe('Intercom (intercom)');
  });

  it('offers the actions (of the step’s connection, narrowed by what is typed) and polling triggers', () => {
    expect(values({ steps: [{ id: 'a', action: '' }] }, ['steps', 0, 'action'])).toEqual(['slack.postMessage', 'slack.updateMessage', 'jira.createIssue']);
    expect(values({ steps: [{ id: 'a', action: 'upd' }] }, ['steps', 0, 'action'])).toEqual(['slack.updateMessage']);
    expect(values({ steps: [{ id: 'a', action: 'x', connection: 'jira-main' }] }, ['steps', 0, 'action'])).toEqual(['jira.createIssue']);
    expect(values({ trigger: { type: 'poll', connection: 'jira-main', trigger: '' } }, ['trigger', 'trigger'])).toEqual(['jira.issueUpdated']);
  });

  it('offers nothing where the schema declares no such field or names no values', () => {
    expect(values({ steps: [{ id: 'a', action: 'slack.postMessage', input: { connection: '' } }] }, ['steps', 0, 'input', 'connection'])).toEqual([]);
    expect(values({ name: 'x' }, ['name'])).toEqual([]);
    expect(values({ steps: [{ id: 'a', delay: '1s' }] }, ['steps', 0, 'delay'])).toEqual([]);
  });

  it('finds the field whose value the caret is on', () => {
    const text = '{ "direction": "both", "left": { "connection": "", "object": "contact" }, "n": 1 }';
    const parsed = parseJson(text);
    if (!parsed.ok) throw new Error(parsed.message);
    const at = (needle: string, shift = 0) => fieldValueAt(parsed.tree, text.indexOf(needle) + shift);
    expect(at('"both"', 2)?.path).toEqual(['direction']);
    expect(at('"", "object"', 1)?.path).toEqual(['left', 'connection']);
    expect(at('1 }', 1)?.path).toEqual(['n']);
    const spot = at('"contact"', 3)!;
    expect(text.slice(spot.node.start, spot.node.end)).toBe('"contact"');
    // On a key, or on an object value: no value to complete.
    expect(at('"direction"', 2)).toBeUndefined();
    expect(at('{ "connection"', 0)).toBeUndefined();
  });
});
