import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { dryRun } from '../../src/recipe/dry-run';
import { eventFromFixture } from '../../src/recipe/fixture-event';
import { planMatchesEvent } from '../../src/recipe/match';
import { loadRecipes } from '../../src/runtime/recipe-files';
import type { Plan } from '../../workflows/plan';
import { testConnections } from '../support/test-catalog';

const recipesDir = path.resolve(__dirname, '../../recipes');

function load(name: string): { plan: Plan; payload: Record<string, unknown> } {
  const [loaded] = loadRecipes([path.join(recipesDir, `${name}.json`)], actionCatalog, testConnections);
  if (!loaded?.result.ok) throw new Error(JSON.stringify(loaded?.result.diagnostics));
  return { plan: loaded.result.plan, payload: JSON.parse(readFileSync(path.join(recipesDir, 'fixtures', `${name}.event.json`), 'utf8')) as Record<string, unknown> };
}

/** The Linear, Notion and GitHub example recipes, dry-run with their fixtures against the real action schemas. */
describe('support-tool example recipes', () => {
  it('bug-to-linear: a Linear issue from the conversation, its key as an internal note; other tags do not match', async () => {
    const { plan, payload } = load('bug-to-linear');
    const result = await dryRun(plan, eventFromFixture(plan, payload), { catalog: actionCatalog, outputs: { issue: { id: 'x', identifier: 'SUP-42', url: 'https://linear.app/acme/issue/SUP-42', number: 42, title: 't' } } });
    expect(result.summary.status).toBe('succeeded');
    expect(result.summary.steps.issue?.input).toMatchObject({ teamId: '9cfb482a-81e3-4154-b5b9-2c805e70a02d', title: 'Export to CSV crashes the dashboard', priority: 2 });
    expect(result.summary.steps.note?.input).toEqual({ conversationId: '149', messageType: 'note', adminId: '991267', body: 'Linear issue SUP-42: https://linear.app/acme/issue/SUP-42' });
    (payload.data as { item: { tags_added: { tags: unknown[] } } }).item.tags_added.tags = [{ type: 'tag', id: '1', name: 'billing' }];
    expect(planMatchesEvent(plan, eventFromFixture(plan, payload))).toBe(false);
  });

  it('closed-conversation-to-notion: plain values per property, the close time as an ISO date, tags comma-joined', async () => {
    const { plan, payload } = load('closed-conversation-to-notion');
    const result = await dryRun(plan, eventFromFixture(plan, payload), { catalog: actionCatalog });
    expect(result.summary.status).toBe('succeeded');
    expect(result.summary.steps.log?.input).toEqual({
      databaseId: '8e2c4c9e-0c5c-4d6b-9a43-3f0b8d3f6a11',
      properties: {
        Name: "Hi, I can't log in since this morning. The reset link gives an error.",
        Customer: 'ada@example.com',
        Status: 'Closed',
        Tags: 'login,resolved-first-contact',
        Closed: new Date(1767239999 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Link: 'https://app.intercom.com/a/inbox/_/inbox/conversation/147',
      },
      content: ["Hi, I can't log in since this morning. The reset link gives an error."],
    });
  });

  it('github-closed-to-intercom: topic issues.closed, a forEach over the labels; an issue without an intercom-<id> label does not match', async () => {
    const { plan, payload } = load('github-closed-to-intercom');
    const event = eventFromFixture(plan, payload);
    expect(event.topic).toBe('issues.closed');
    const result = await dryRun(plan, event, { catalog: actionCatalog });
    expect(result.summary.status).toBe('succeeded');
    // Which labels post a note (intercom-149, intercom-152, not bug) is checked end to end in test/contract/e2e-support-recipes.test.ts.
    expect(result.summary.steps.notes).toMatchObject({ status: 'succeeded', output: { count: 3, failed: 0 } });
    (payload.issue as { labels: unknown[] }).labels = [{ name: 'bug' }];
    expect(planMatchesEvent(plan, eventFromFixture(plan, payload))).toBe(false);
  });
});
