import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { describeConnector, searchConnectors } from '../../connectors/catalog';
import { actionCatalog, canonicalTopic, registry } from '../../connectors/registry';
import { auth } from '../../connectors/sdk/auth';
import { connector } from '../../connectors/sdk/connector';
import { registerConnectorsCommand } from '../../src/cli/local/connectors-command';
import { compileRecipe } from '../../src/recipe/compile';

describe('connector catalog', () => {
  it('lists every connector; filters by category and searches by name, action and description', () => {
    expect(searchConnectors(registry).map((c) => c.id)).toEqual(expect.arrayContaining(['google-sheets', 'http', 'intercom', 'jira', 'mailchimp', 'slack', 'webhook']));
    expect(searchConnectors(registry)).toHaveLength(registry.listConnectors().length);
    expect(searchConnectors(registry, { category: 'Marketing' }).map((c) => c.id)).toContain('mailchimp');
    expect(searchConnectors(registry, { category: 'Support' }).map((c) => c.id)).toEqual(expect.arrayContaining(['intercom', 'jira']));
    expect(searchConnectors(registry, { category: 'Support' }).every((c) => c.category === 'Support')).toBe(true);
    expect(searchConnectors(registry, { q: 'jira' }).map((c) => c.id)).toEqual(['jira']);
    expect(searchConnectors(registry, { q: 'appendRow' }).map((c) => c.id)).toEqual(['google-sheets']);
    expect(searchConnectors(registry, { category: 'CRM', q: 'jira' })).toEqual([]);
  });

  it('a category outside the App Store list does not compile', () => {
    const define = () =>
      connector({
        id: 'typo',
        name: 'Typo',
        // @ts-expect-error 'Productivty' is not a ConnectorCategory
        category: 'Productivty',
        description: 'a connector with a misspelt category',
        auth: auth.none(),
        baseUrl: null,
      });
    expect(define).toThrow(/unknown category Productivty/);
  });

  it('describes a connector with JSON Schemas for credentials, input and output, and samples', () => {
    const jira = describeConnector(registry.getConnector('jira')!);
    expect(jira.auth.kind).toBe('basic');
    expect(jira.auth.credentials).toMatchObject({ type: 'object', required: expect.arrayContaining(['username', 'password', 'siteUrl']) });
    const create = jira.actions.find((a) => a.key === 'createIssue')!;
    expect(create.input).toMatchObject({ type: 'object', properties: { summary: { type: 'string', maxLength: 255 } }, required: expect.arrayContaining(['project', 'summary']) });
    expect(create.output).toMatchObject({ properties: { key: { type: 'string' } } });
    expect(create.sample).toMatchObject({ key: 'SUP-1' });
    expect(jira.pollingTriggers.map((t) => t.type)).toEqual(['jira.newIssues']);
    const intercom = describeConnector(registry.getConnector('intercom')!);
    expect(intercom.webhook!.topicAliases['conversation.created']).toBe('conversation.user.created');
    expect(intercom.webhookSchemes).toEqual([{ scheme: 'hub-sha1', headers: ['X-Hub-Signature'], description: expect.stringContaining('HMAC-SHA1') }]);
    // Every schema of every connector converts (recursive search filters included).
    for (const c of registry.listConnectors()) expect(() => JSON.stringify(describeConnector(c))).not.toThrow();
  });

  it('lists the inbound signature schemes of every webhook source, with the headers each reads', () => {
    const byId = new Map(searchConnectors(registry).map((c) => [c.id, c]));
    expect(byId.get('webhook')!.webhookSchemes.map((s) => [s.scheme, s.headers])).toEqual([
      ['path-token', []],
      ['hub-sha1', ['X-Hub-Signature']],
      ['hub-sha256', ['X-Hub-Signature-256']],
      ['standard-webhooks', ['webhook-id', 'webhook-timestamp', 'webhook-signature']],
    ]);
    expect(byId.get('jira')!.webhookSchemes).toEqual([]);
    // Exactly the connectors with a webhook source list schemes, and each lists what its source declares.
    for (const c of registry.listConnectors()) expect(byId.get(c.id)!.webhookSchemes.map((s) => s.scheme), c.id).toEqual([...(c.webhookSource?.schemes ?? [])]);
  });

  it('resolves documented topic aliases to the real topic', () => {
    expect(canonicalTopic('intercom', 'conversation.created')).toBe('conversation.user.created');
    expect(canonicalTopic('intercom', 'conversation.user.created')).toBe('conversation.user.created');
    expect(canonicalTopic('intercom', 'conversation.*')).toBe('conversation.*');
    expect(canonicalTopic('webhook', 'order.paid')).toBe('order.paid');
  });

  it('every sample satisfies its own output schema', () => {
    for (const c of registry.listConnectors()) {
      for (const a of Object.values(c.actions)) expect(a.output.safeParse(a.sample).success, `${c.id}.${a.key}`).toBe(true);
      for (const t of Object.values(c.pollingTriggers)) expect(t.output.safeParse(t.sample).success, `${c.id}.${t.key}`).toBe(true);
    }
  });

  it('the action catalog adapter lets the compiler check the DESIGN example recipe', () => {
    const recipe = {
      id: 'urgent-to-jira',
      name: 'Urgent conversations → Jira',
      trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation_part.tag.created' },
      steps: [
        { id: 'ticket', action: 'jira.createIssue', connection: 'jira-main', input: { project: 'SUP', summary: 'Urgent: {{ trigger.data.item.source.subject }}', labels: ['intercom'] }, retry: { maxAttempts: 5 }, timeout: '30s' },
        { id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#support', text: 'Created {{ steps.ticket.key }}' }, onError: 'continue' },
      ],
    };
    const connections = new Map([
      ['intercom-main', 'intercom'],
      ['jira-main', 'jira'],
      ['slack-main', 'slack'],
    ]);
    const ok = compileRecipe(recipe, { actions: actionCatalog, connections });
    expect(ok.ok, JSON.stringify(!ok.ok && ok.diagnostics)).toBe(true);
    const bad = compileRecipe({ ...recipe, steps: [{ ...recipe.steps[0]!, action: 'jira.createIsue' }] }, { actions: actionCatalog, connections });
    expect(bad.ok).toBe(false);
    expect(actionCatalog.getAction('webhook.post')!.needsConnection).toBe(false);
    expect(actionCatalog.getAction('jira.createIssue')!.needsConnection).toBe(true);
    expect(actionCatalog.getPollingTrigger!('intercom.updatedConversations')).toMatchObject({ connector: 'intercom', key: 'updatedConversations' });
    expect(actionCatalog.actionTypes()).toContain('mailchimp.upsertMember');
  });

  it('`switchyard connectors` prints the list, and details as JSON', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    try {
      const program = new Command().exitOverride();
      registerConnectorsCommand(program);
      await program.parseAsync(['node', 'switchyard', 'connectors', '--category', 'communication']);
      expect(out.join('\n')).toContain('slack.postMessage');
      expect(out.join('\n')).not.toContain('jira');
      out.length = 0;
      await program.parseAsync(['node', 'switchyard', 'connectors', '--q', 'intercom']);
      expect(out.join('\n')).toMatch(/verify {2}hub-sha1 +X-Hub-Signature$/m);
      out.length = 0;
      await program.parseAsync(['node', 'switchyard', 'connectors', '--q', 'Receive events from any sender']);
      expect(out.join('\n')).toMatch(/verify {2}path-token +token in the URL: \/hooks\/<connection>\/<token>$/m);
      expect(out.join('\n')).toMatch(/verify {2}standard-webhooks +webhook-id, webhook-timestamp, webhook-signature$/m);
      out.length = 0;
      await program.parseAsync(['node', 'switchyard', 'connectors', 'slack']);
      expect(JSON.parse(out.join('\n'))).toMatchObject({ id: 'slack', actions: [{ type: 'slack.postMessage' }] });
    } finally {
      spy.mockRestore();
    }
  });
});
