import { describe, expect, it } from 'vitest';
import { compileRecipe } from '../../src/recipe/compile';
import { testCatalog, testConnections } from '../support/test-catalog';

/** A valid recipe; each case below breaks one thing. */
function base(): Record<string, any> {
  return {
    id: 'urgent-to-jira',
    name: 'Urgent conversations → Jira',
    trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation_part.tag.created' },
    steps: [
      { id: 'ticket', action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 'Urgent: {{ trigger.data.item.source.subject }}' } },
      { id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'Created {{ steps.ticket.key }}' } },
    ],
  };
}

function edit(change: (r: Record<string, any>) => void): Record<string, any> {
  const r = base();
  change(r);
  return r;
}

const loop = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'each', forEach: '{{ trigger.data.item.tags.tags }}', steps, ...extra });
const slack = (id: string, text: string, extra: Record<string, unknown> = {}) => ({ id, action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text }, ...extra });

type Case = [name: string, recipe: unknown, expected: string[], suggestion?: string];

const cases: Case[] = [
  ['not an object', [], [': a recipe must be a JSON object, got an array']],
  ['unknown top-level field', edit((r) => (r.stpes = [])), ['stpes: unknown field "stpes"'], 'did you mean "steps"?'],
  ['missing name', edit((r) => delete r.name), ['name: missing required field "name"']],
  ['bad recipe id', edit((r) => (r.id = 'Urgent Jira')), ['id: bad recipe id "Urgent Jira": use lowercase letters, digits and -']],
  ['enabled not a boolean', edit((r) => (r.enabled = 'yes')), ['enabled: expected boolean, got string "yes"']],
  ['no steps', edit((r) => (r.steps = [])), ['steps: a recipe needs at least one step']],
  ['unknown trigger type', edit((r) => (r.trigger.type = 'webhok')), ['trigger.type: unknown trigger type "webhok" (one of webhook, event, schedule, poll)'], 'did you mean "webhook"?'],
  ['trigger without event', edit((r) => delete r.trigger.event), ['trigger.event: missing required field "event"']],
  ['unknown trigger field', edit((r) => (r.trigger.topic = 'x')), ['trigger.topic: unknown field "topic"']],
  ['unknown trigger connection', edit((r) => (r.trigger.connection = 'intercom-mian')), ['trigger.connection: unknown connection "intercom-mian"'], 'did you mean "intercom-main"?'],
  ['bad cron', edit((r) => (r.trigger = { type: 'schedule', cron: '0 25 * * *', timezone: 'Europe/Zurich' })), ['trigger.cron: cron "0 25 * * *": hour field "25": 25 is out of range 0-23']],
  ['cron with 6 fields', edit((r) => (r.trigger = { type: 'schedule', cron: '0 0 9 * * 1' })), ['trigger.cron: cron "0 0 9 * * 1" must have 5 fields (minute hour day-of-month month day-of-week), got 6']],
  ['bad timezone', edit((r) => (r.trigger = { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Zurch' })), ['trigger.timezone: unknown time zone "Europe/Zurch": use an IANA name such as "Europe/Zurich"']],
  ['unknown polling trigger', edit((r) => (r.trigger = { type: 'poll', connection: 'jira-main', trigger: 'jira.newIssue', every: '5m' })), ['trigger.trigger: unknown polling trigger "jira.newIssue"'], 'did you mean "jira.newIssues"?'],
  ['poll trigger input against its schema', edit((r) => (r.trigger = { type: 'poll', connection: 'jira-main', trigger: 'jira.newIssues', every: '5m', input: { jql: 5 } })), ['trigger.input.jql: expected string, got number 5']],
  ['poll too often', edit((r) => (r.trigger = { type: 'poll', connection: 'jira-main', trigger: 'jira.newIssues', every: '10s', input: { jql: 'project = SUP' } })), ['trigger.every: poll interval 10s is too short: the minimum is 1m']],
  ['poll on a connection of another connector', edit((r) => (r.trigger = { type: 'poll', connection: 'slack-main', trigger: 'jira.newIssues', every: '5m', input: { jql: 'project = SUP' } })), ['trigger.connection: connection "slack-main" is a slack connection, but polling trigger jira.newIssues needs a jira connection']],
  ['unknown action', edit((r) => (r.steps[0].action = 'jira.createIsue')), ['steps[0].action: unknown action "jira.createIsue"'], 'did you mean "jira.createIssue"?'],
  ['malformed action', edit((r) => (r.steps[0].action = 'createIssue')), ['steps[0].action: bad action "createIssue": expected "<connector>.<action>"']],
  ['unknown step field', edit((r) => (r.steps[0].retyr = { maxAttempts: 2 })), ['steps[0].retyr: unknown field "retyr"'], 'did you mean "retry"?'],
  ['unknown retry field', edit((r) => (r.steps[0].retry = { attempts: 2 })), ['steps[0].retry.attempts: unknown field "attempts"']],
  ['retry maxAttempts zero', edit((r) => (r.steps[0].retry = { maxAttempts: 0 })), ['steps[0].retry.maxAttempts: must be at least 1']],
  ['retry intervals reversed', edit((r) => (r.steps[0].retry = { initialInterval: '10m', maxInterval: '1m' })), ['steps[0].retry.maxInterval: maxInterval must not be shorter than initialInterval']],
  ['bad timeout duration', edit((r) => (r.steps[0].timeout = '30 seconds')), ['steps[0].timeout: bad duration "30 seconds": use a whole number and a unit (ms, s, m, h, d, w), e.g. "10m"']],
  ['missing connection', edit((r) => delete r.steps[1].connection), ['steps[1]: action slack.postMessage needs a connection: add "connection": "<id of a slack connection>"']],
  ['unknown connection', edit((r) => (r.steps[0].connection = 'jira-mian')), ['steps[0].connection: unknown connection "jira-mian"'], 'did you mean "jira-main"?'],
  ['connection of the wrong connector', edit((r) => (r.steps[1].connection = 'jira-main')), ['steps[1].connection: connection "jira-main" is a jira connection, but action slack.postMessage needs a slack connection']],
  ['static input of the wrong type', edit((r) => (r.steps[0].input.project = 42)), ['steps[0].input.project: expected string, got number 42']],
  ['static input missing a required field', edit((r) => delete r.steps[0].input.project), ['steps[0].input.project: missing required field "project"']],
  ['static input outside an enum', edit((r) => (r.steps[0].input.priority = 'Urgent')), ['steps[0].input.priority: expected one of "Highest", "High", "Medium", "Low", "Lowest", got string "Urgent"']],
  ['unknown step reference', edit((r) => (r.steps[1].input.text = 'Created {{ steps.tiket.key }}')), ['steps[1].input.text: unknown reference steps.tiket'], 'did you mean steps.ticket?'],
  ['reference to a later step', edit((r) => (r.steps[0].input.summary = 'After {{ steps.notify.ts }}')), ['steps[0].input.summary: steps.notify refers to a later step (steps[1]); a step can only read steps before it']],
  ['reference to its own output', edit((r) => (r.steps[1].input.text = '{{ steps.notify.ts }}')), ['steps[1].input.text: step notify cannot read its own output']],
  ['field missing from the output schema', edit((r) => (r.steps[1].input.text = 'Created {{ steps.ticket.kye }}')), ['steps[1].input.text: unknown reference steps.ticket.kye: jira.createIssue output has no field "kye"'], 'did you mean steps.ticket.key?'],
  ['unknown root variable', edit((r) => (r.steps[0].input.summary = '{{ trigger.data.item.id }} {{ trgger.id }}')), ['steps[0].input.summary: unknown reference trgger.id'], 'did you mean trigger?'],
  ['item outside forEach', edit((r) => (r.steps[0].input.summary = '{{ item.name }}')), ['steps[0].input.summary: item is only available inside a forEach']],
  ['unknown run field', edit((r) => (r.steps[0].input.summary = '{{ run.startTime }}')), ['steps[0].input.summary: unknown reference run.startTime: run has id, recipeId, version, startedAt, eventId'], 'did you mean run.startedAt?'],
  ['unknown filter', edit((r) => (r.steps[0].input.summary = '{{ trigger.id | upcasee }}')), ['steps[0].input.summary: template error: undefined filter: upcasee']],
  ['unclosed template', edit((r) => (r.steps[0].input.summary = 'Urgent: {{ trigger.id')), ['steps[0].input.summary: template error: output "{{ trigger.id" not closed']],
  ['liquid tags', edit((r) => (r.steps[0].input.summary = '{% if trigger.x %}a{% endif %}')), ['steps[0].input.summary: {% %} tags are not supported in templates; use a branch step or a filter']],
  ['prototype path in a template', edit((r) => (r.steps[0].input.summary = '{{ trigger.__proto__.x }}')), ['steps[0].input.summary: reference trigger.__proto__.x goes through "__proto__", which is not allowed']],
  ['log operator', edit((r) => (r.when = { log: 'x' })), ['when: the json-logic operator "log" is not allowed in conditions']],
  ['unknown operator', edit((r) => (r.steps[1].when = { '=~': [1, 1] })), ['steps[1].when: unknown json-logic operator "=~"']],
  ['constructor in a var path', edit((r) => (r.steps[1].when = { '==': [{ var: 'trigger.constructor.name' }, 'Object'] })), ['steps[1].when["=="][0].var: var path "trigger.constructor.name" goes through "constructor", which is not allowed']],
  ['prototype in a var path', edit((r) => (r.when = { var: ['trigger.prototype', false] })), ['when.var: var path "trigger.prototype" goes through "prototype", which is not allowed']],
  ['step reference in the top-level when', edit((r) => (r.when = { var: 'steps.ticket.key' })), ['when.var: the top-level when runs before any step; steps.ticket is not available']],
  ['duplicate step id', edit((r) => (r.steps[1].id = 'ticket')), ['steps[1].id: duplicate step id "ticket" (first used at steps[0])', 'steps[1].input.text: step ticket cannot read its own output']],
  ['bad step id', edit((r) => (r.steps[1].id = 'post-message')), ['steps[1].id: bad step id "post-message": use letters, digits and _ (it is read as steps.<id>)']],
  ['step without a kind', edit((r) => r.steps.push({ id: 'later', dealy: '10m' })), ['steps[2]: a step needs exactly one of action, delay, branch, forEach, waitFor'], 'did you mean "delay"?'],
  ['step with two kinds', edit((r) => r.steps.push({ id: 'later', delay: '10m', waitFor: { signal: 'x', timeout: '1h' } })), ['steps[2]: a step can be only one kind, but has delay and waitFor']],
  ['bad delay duration', edit((r) => r.steps.push({ id: 'later', delay: '10 min' })), ['steps[2].delay: bad duration "10 min": use a whole number and a unit (ms, s, m, h, d, w), e.g. "10m"']],
  ['delay longer than a year', edit((r) => r.steps.push({ id: 'later', delay: '400d' })), ['steps[2].delay: delay 400d is longer than a year']],
  ['bad waitFor shape', edit((r) => r.steps.push({ id: 'ok', waitFor: { approval: true } })), ['steps[2].waitFor: expected { "signal": "<name>", "timeout": "24h" } or { "approval": { "timeout": "24h" } }']],
  ['waitFor inside forEach', edit((r) => r.steps.push(loop([{ id: 'ok', waitFor: { signal: 'go', timeout: '1h' } }]))), ['steps[2].steps[0].waitFor: waitFor is not allowed inside forEach each: a signal could not tell which item it resumes']],
  ['forEach without a template', edit((r) => r.steps.push(loop([slack('n', 'x')], { forEach: 'trigger.data.items' }))), ['steps[2].forEach: forEach needs a template that renders to an array, e.g. "{{ trigger.data.item.tags.tags }}"']],
  ['forEach concurrency too high', edit((r) => r.steps.push(loop([slack('n', '{{ item.name }}')], { concurrency: 500 }))), ['steps[2].concurrency: must be at most 50']],
  ['reading a forEach inner step from outside', edit((r) => r.steps.push(loop([slack('n', '{{ item.name }}')]), slack('after', '{{ steps.n.ts }}'))), ['steps[3].input.text: steps.n is inside forEach each and is only visible within it']],
  ['reserved loop variable', edit((r) => r.steps.push(loop([slack('n', 'x')], { as: 'steps' }))), ['steps[2].as: "steps" is a reserved name; pick another loop variable name']],
  ['branch without cases', edit((r) => r.steps.push({ id: 'route', branch: [] })), ['steps[2].branch: must contain at least one case']],
  ['branch case without when', edit((r) => r.steps.push({ id: 'route', branch: [{ steps: [slack('n', 'x')] }] })), ['steps[2].branch[0].when: missing required field "when"']],
  ['reading the output of a delay', edit((r) => r.steps.push({ id: 'pause', delay: '1m' }, slack('after', '{{ steps.pause.until }}'))), ['steps[3].input.text: steps.pause is a delay step and has no output']],
  ['bad onError', edit((r) => (r.steps[1].onError = 'ignore')), ['steps[1].onError: expected one of "fail", "continue", got string "ignore"']],
  [
    'nesting deeper than the limit',
    edit((r) => r.steps.push({ id: 'a', branch: [{ when: true, steps: [{ id: 'b', branch: [{ when: true, steps: [{ id: 'c', branch: [{ when: true, steps: [{ id: 'd', branch: [{ when: true, steps: [slack('e', 'x')] }] }] }] }] }] }] }] })),
    ['steps[2].branch[0].steps[0].branch[0].steps[0].branch[0].steps[0].branch: steps are nested deeper than 4 levels; split the recipe'],
  ],
];

describe('compiler diagnostics', () => {
  it('has a table of at least 30 bad recipes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', (_name, recipe, expected, suggestion) => {
    const result = compileRecipe(recipe, { actions: testCatalog, connections: testConnections });
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.path}: ${d.message}`)).toEqual(expected);
    if (suggestion) expect(errors[0]?.suggestion).toBe(suggestion);
  });

  it('the base recipe compiles cleanly', () => {
    const result = compileRecipe(base(), { actions: testCatalog, connections: testConnections });
    expect(result).toMatchObject({ ok: true, diagnostics: [] });
  });

  it('reports every error at once', () => {
    const r = base();
    r.nme = 'x';
    r.steps[0].action = 'jira.createIsue';
    r.steps[1].input.text = '{{ steps.tiket.key }}';
    r.steps.push({ id: 'pause', delay: '5 minutes' });
    const result = compileRecipe(r, { actions: testCatalog, connections: testConnections });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).toEqual(['nme', 'steps[0].action', 'steps[1].input.text', 'steps[2].delay']);
  });
});
