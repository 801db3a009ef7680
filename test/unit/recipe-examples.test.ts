import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { applyCommand, checkCommand, registerRecipeCommands, testCommand } from '../../src/cli/local/recipe-command';
import { eventFromFixture } from '../../src/recipe/fixture-event';
import { expandRecipePaths, loadRecipes } from '../../src/runtime/recipe-files';
import { actionCatalog } from '../../connectors/registry';
import { dryRun } from '../../src/recipe/dry-run';
import { recipeJsonSchema } from '../../src/recipe/json-schema';
import { planMatchesEvent } from '../../src/recipe/match';
import type { Plan } from '../../workflows/plan';
import { testCatalog, testConnections } from '../support/test-catalog';

const recipesDir = path.resolve(__dirname, '../../recipes');
const files = expandRecipePaths([recipesDir]);

describe('example recipes', () => {
  it('ship the five automations of the issue', () => {
    expect(files.map((f) => path.basename(f))).toEqual([
      'bug-to-linear.json',
      'closed-conversation-to-hubspot.json',
      'closed-conversation-to-notion.json',
      'closed-conversation-to-sheets.json',
      'github-closed-to-intercom.json',
      'new-conversation-to-salesforce.json',
      'new-conversation-to-slack.json',
      'new-user-to-analytics.json',
      'new-user-to-mailchimp.json',
      'pipedrive-deal-won-to-intercom.json',
      'urgent-to-jira.json',
      'vip-escalation.json',
      'weekly-conversations-to-drive.json',
      'zoom-meeting-summary-to-slack.json',
    ]);
  });

  it('schemas/recipe.schema.json is the generated schema, and every example validates against it', () => {
    const schemaFile = path.resolve(__dirname, '../../schemas/recipe.schema.json');
    const committed = JSON.parse(readFileSync(schemaFile, 'utf8'));
    expect(committed).toEqual(recipeJsonSchema());
    const validate = new Ajv2020({ strict: false }).compile(committed);
    for (const file of files) {
      const recipe = JSON.parse(readFileSync(file, 'utf8'));
      expect([file, validate(recipe), validate.errors ?? null]).toEqual([file, true, null]);
      expect([file, path.resolve(path.dirname(file), recipe.$schema)]).toEqual([file, schemaFile]);
    }
  });

  // The real connector registry: example inputs are validated against the real action schemas.
  for (const loaded of loadRecipes(files, actionCatalog, testConnections)) {
    const name = path.basename(loaded.file, '.json');
    it(`${name} compiles against the connector registry, matches its fixture and dry-runs to success`, async () => {
      expect(loaded.result.diagnostics).toEqual([]);
      if (!loaded.result.ok) throw new Error('not compiled');
      const plan = loaded.result.plan;
      const payload: unknown = JSON.parse(readFileSync(path.join(recipesDir, 'fixtures', `${name}.event.json`), 'utf8'));
      if (plan.trigger.type === 'webhook' && testConnections.get(plan.trigger.connection) === 'intercom') {
        expect(payload).toMatchObject({ type: 'notification_event', data: { type: 'notification_event_data' } });
      }
      const event = eventFromFixture(plan, payload);
      // Schedules start their own runs; pushed events never match them.
      expect(planMatchesEvent(plan, event)).toBe(plan.trigger.type !== 'schedule');
      const result = await dryRun(plan, event, { catalog: actionCatalog });
      expect(result.summary.status).toBe('succeeded');
      expect(result.summary.error).toBeUndefined();
    });
  }

  it('urgent-to-jira renders the Jira summary from the conversation subject and does not match untagged conversations', async () => {
    const [loaded] = loadRecipes([path.join(recipesDir, 'urgent-to-jira.json')], testCatalog, testConnections);
    const plan = (loaded?.result as { plan: Plan }).plan;
    const payload = JSON.parse(readFileSync(path.join(recipesDir, 'fixtures/urgent-to-jira.event.json'), 'utf8'));
    const result = await dryRun(plan, eventFromFixture(plan, payload), { catalog: testCatalog, outputs: { ticket: { id: '1', key: 'SUP-42', self: 'x' } } });
    expect(result.summary.steps.ticket?.input).toMatchObject({ summary: 'Urgent: Checkout fails for all EU customers', labels: ['intercom', 'urgent'] });
    expect(result.summary.steps.notify?.input).toEqual({ channel: '#support', text: 'Created SUP-42 for conversation 148' });
    payload.data.item.tags_added.tags = [{ type: 'tag', id: '1', name: 'billing' }];
    expect(planMatchesEvent(plan, eventFromFixture(plan, payload))).toBe(false);
  });

  it('vip-escalation: a rejected approval takes the else branch and sends the reminder', async () => {
    const [loaded] = loadRecipes([path.join(recipesDir, 'vip-escalation.json')], testCatalog, testConnections);
    const plan = (loaded?.result as { plan: Plan }).plan;
    const payload = JSON.parse(readFileSync(path.join(recipesDir, 'fixtures/vip-escalation.event.json'), 'utf8'));
    const result = await dryRun(plan, eventFromFixture(plan, payload), { catalog: testCatalog, waits: { approval: { approved: false, by: 'lin' } } });
    // a rejection fails the waitFor step; it has onError: continue
    expect(result.summary.steps.approval).toMatchObject({ status: 'failed', error: { kind: 'Rejected', message: 'approval rejected by lin' } });
    expect(result.summary.steps.escalate?.status).toBe('skipped');
    expect(result.summary.steps.declined).toMatchObject({ status: 'succeeded', input: { body: 'Not escalated. Decision by lin.' } });
    expect(result.summary.steps.tagNotes).toMatchObject({ status: 'succeeded', output: { count: 3, succeeded: 3, failed: 0 } });
    expect(result.summary.steps.reminder?.status).toBe('succeeded');
  });
});

describe('recipe CLI functions', () => {
  it('check prints file:path: message lines and returns 1 on errors', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const bad = path.resolve(__dirname, '../fixtures/bad-recipe.json');
    const code = await checkCommand([recipesDir, bad], actionCatalog, (l) => out.push(l), (l) => err.push(l));
    expect(code).toBe(1);
    expect(err).toEqual([
      `${bad}:steps[0].action: unknown action "jira.createIsue" (did you mean "jira.createIssue"?)`,
      `${bad}:steps[1].input.text: unknown reference steps.tiket (did you mean steps.ticket?)`,
    ]);
    expect(out).toEqual([`${files.length + 1} recipes checked: 2 errors, 0 warnings`]);
    expect(await checkCommand([recipesDir], actionCatalog, () => undefined, () => undefined)).toBe(0);
  });

  it('apply prints + added, ~ changed (v1 → v2), = unchanged, - removed', async () => {
    const stored = new Map<string, { version: number; hash: string }>();
    const recipes = {
      async apply(_source: unknown, plan: Plan) {
        const cur = stored.get(plan.recipeId);
        if (!cur) {
          stored.set(plan.recipeId, { version: 1, hash: plan.version });
          return { change: 'added' as const, version: 1 };
        }
        if (cur.hash === plan.version) return { change: 'unchanged' as const, version: cur.version };
        stored.set(plan.recipeId, { version: cur.version + 1, hash: plan.version });
        return { change: 'changed' as const, version: cur.version + 1, previous: cur.version };
      },
      list: async () => [...stored.entries()].map(([id, v]) => ({ id, version: v.version })),
      remove: async (id: string) => stored.delete(id),
    };
    stored.set('old-recipe', { version: 3, hash: 'x' });
    stored.set('urgent-to-jira', { version: 1, hash: 'stale' });
    stored.set('new-user-to-mailchimp', { version: 2, hash: (loadRecipes([path.join(recipesDir, 'new-user-to-mailchimp.json')], actionCatalog)[0]!.result as { plan: Plan }).plan.version });
    const out: string[] = [];
    const code = await applyCommand([recipesDir], actionCatalog, { recipes, connections: testConnections }, { prune: true }, (l) => out.push(l), () => undefined);
    expect(code).toBe(0);
    expect(out).toEqual([
      '+ bug-to-linear added (v1)',
      '+ closed-conversation-to-hubspot added (v1)',
      '+ closed-conversation-to-notion added (v1)',
      '+ closed-conversation-to-sheets added (v1)',
      '+ github-closed-to-intercom added (v1)',
      '+ new-conversation-to-salesforce added (v1)',
      '+ new-conversation-to-slack added (v1)',
      '+ new-user-to-analytics added (v1)',
      '= new-user-to-mailchimp unchanged (v2)',
      '+ pipedrive-deal-won-to-intercom added (v1)',
      '~ urgent-to-jira changed (v1 → v2)',
      '+ vip-escalation added (v1)',
      '+ weekly-conversations-to-drive added (v1)',
      '+ zoom-meeting-summary-to-slack added (v1)',
      '- old-recipe removed',
    ]);
  });

  it('apply applies nothing when any recipe has an error', async () => {
    const applied: string[] = [];
    const recipes = { apply: async (_s: unknown, p: Plan) => (applied.push(p.recipeId), { change: 'added' as const, version: 1 }), list: async () => [], remove: async () => true };
    const err: string[] = [];
    const code = await applyCommand([recipesDir], actionCatalog, { recipes, connections: new Map([['slack-main', 'slack']]) }, { prune: false }, () => undefined, (l) => err.push(l));
    expect(code).toBe(1);
    expect(applied).toEqual([]);
    expect(err).toContain(`${path.join(recipesDir, 'urgent-to-jira.json')}:steps[0].connection: unknown connection "jira-main"`);
  });

  it('test prints each step with its condition result and rendered input', async () => {
    const out: string[] = [];
    const code = await testCommand(path.join(recipesDir, 'vip-escalation.json'), { event: path.join(recipesDir, 'fixtures/vip-escalation.event.json') }, testCatalog, (l) => out.push(l), () => undefined);
    expect(code).toBe(0);
    expect(out[0]).toBe('trigger: matches conversation.user.created');
    expect(out).toContain('- reminder (action) skipped when=false');
    expect(out).toContain('    input:  {"issue":"SUP-1","body":"Intercom tag: exports"}');
    expect(out.at(-1)).toBe('result: succeeded');
  });

  it('registerRecipeCommands wires check, schema, apply and test into commander', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command().exitOverride();
    registerRecipeCommands(program, { catalog: () => testCatalog, out: (l) => out.push(l), err: (l) => err.push(l) });
    await program.parseAsync(['node', 'switchyard', 'recipe', 'schema']);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ title: 'Switchyard recipe (v1)', $defs: { step: {} } });
    out.length = 0;
    const before = process.exitCode;
    await program.parseAsync(['node', 'switchyard', 'recipe', 'check', path.resolve(__dirname, '../fixtures/bad-recipe.json')]);
    expect(process.exitCode).toBe(1);
    process.exitCode = before;
    expect(err).toHaveLength(2);
    expect(program.commands.find((c) => c.name() === 'recipe')?.commands.map((c) => c.name())).toEqual(['check', 'schema', 'apply', 'test']);
  });
});
