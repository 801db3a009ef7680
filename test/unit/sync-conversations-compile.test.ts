import { describe, expect, it } from 'vitest';
import { compileSync } from '../../src/recipe/sync-compile';

const connections = new Map([
  ['intercom-main', 'intercom'],
  ['salesforce-main', 'salesforce'],
  ['hubspot-main', 'hubspot'],
  ['pipedrive-main', 'pipedrive'],
]);
const enginePairs = [['intercom', 'salesforce'], ['intercom', 'hubspot'], ['intercom', 'pipedrive']] as const;

const sync = (right: { connection: string; object: string }, conversations: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'conv',
  kind: 'sync',
  left: { connection: 'intercom-main', object: 'contact' },
  right,
  match: [{ left: 'email', right: 'Email' }],
  fields: [{ left: 'email', right: 'Email' }],
  conversations,
  ...extra,
});
const salesforce = { connection: 'salesforce-main', object: 'Contact' };
const compile = (source: unknown) => compileSync(source, { connections, enginePairs });
const errorsOf = (source: unknown) => compile(source).diagnostics.map((d) => `${d.path}: ${d.message}${d.suggestion ? ` (${d.suggestion})` : ''}`);

describe('sync compiler: conversations to the CRM', () => {
  it('compiles both forms to where, as what and when (defaults: the non-Intercom side, its CRM’s usual kind, the sync’s poll)', () => {
    const short = compile(sync(salesforce, 'notes'));
    expect(short.ok && short.plan).toMatchObject({ conversations: 'notes', transcripts: { to: 'right', as: 'Task', on: 'closed', pollMs: 900_000 } });
    const full = compile(sync(salesforce, { to: 'right', as: 'Case', on: 'closed', poll: '5m' }));
    expect(full.ok && full.plan.transcripts).toEqual({ to: 'right', as: 'Case', on: 'closed', pollMs: 300_000 });
    const hubspot = compile(sync({ connection: 'hubspot-main', object: 'contacts' }, { on: 'closed' }, { match: [{ left: 'email', right: 'email' }], fields: [{ left: 'email', right: 'email' }] }));
    expect(hubspot.ok && hubspot.plan.transcripts).toEqual({ to: 'right', as: 'note', on: 'closed', pollMs: 900_000 });
    const flipped = compile({ ...sync(salesforce, { as: 'Task' }), left: salesforce, right: { connection: 'intercom-main', object: 'contact' }, match: [{ left: 'Email', right: 'email' }], fields: [{ left: 'Email', right: 'email' }] });
    expect(flipped.ok && flipped.plan.transcripts).toMatchObject({ to: 'left', as: 'Task' });
    expect(compile(sync(salesforce, undefined)).ok && compile(sync(salesforce, undefined)).diagnostics).toEqual([]);
  });

  it('names what is wrong at conversations…, with a suggestion', () => {
    expect(errorsOf(sync(salesforce, { as: 'task' }))).toEqual(['conversations.as: expected one of "note", "Task", "Case", got string "task" (did you mean "Task"?)']);
    expect(errorsOf(sync(salesforce, { to: 'left' }))).toEqual(['conversations.to: conversations are copied from Intercom to the other side; the left side is Intercom too']);
    expect(errorsOf(sync({ connection: 'salesforce-main', object: 'Lead' }, { as: 'Case' }))).toEqual(['conversations.as: a salesforce Case is attached to Contact records; the right side syncs Lead']);
    expect(errorsOf(sync({ connection: 'salesforce-main', object: 'Account' }, 'notes'))).toEqual(['conversations: a salesforce Task is attached to Contact or Lead records; the right side syncs Account']);
    expect(errorsOf(sync({ connection: 'hubspot-main', object: 'contacts' }, { as: 'Task' }, { match: [{ left: 'email', right: 'email' }], fields: [{ left: 'email', right: 'email' }] }))).toEqual([
      'conversations.as: hubspot takes a transcript as "note", not "Task" (use "note")',
    ]);
    expect(errorsOf(sync(salesforce, { poll: '10s' }))).toEqual(['conversations.poll: poll interval 10s is too short: the minimum is 1m']);
    expect(errorsOf(sync(salesforce, { on: 'opened' }))).toEqual(['conversations.on: expected one of "closed", got string "opened"']);
    expect(errorsOf(sync(salesforce, { as: 'Task', when: 'closed' }))).toEqual(['conversations.when: unknown field "when"']);
    expect(errorsOf(sync(salesforce, 'note'))).toEqual(['conversations: expected "notes" or { "to": "right", "as": "Task", "on": "closed" }, got string "note"']);
    expect(errorsOf({ ...sync(salesforce, 'notes'), left: { connection: 'intercom-main', object: 'company' } })).toContain('conversations: "conversations" goes with Intercom contacts (a conversation belongs to a contact), not company');
  });
});
