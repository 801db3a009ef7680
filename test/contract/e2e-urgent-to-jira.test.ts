import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraFake } from '../../sandbox/jira-fake';
import { SlackFake } from '../../sandbox/slack-fake';
import type { TestEngine } from '../support/engine';
import { resultOfOnlyRun, startRecipeScenario } from '../support/recipe-scenario';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';

/**
 * The example recipe end to end on the real dev server, with the connectors against their fakes:
 * signed Intercom `conversation_part.tag.created` (tag urgent) → ingress → runRecipe →
 * jira.createIssue → slack.postMessage with the Jira key.
 */
describe('urgent-to-jira recipe through ingress, with vendor fakes', () => {
  const secret = randomBytes(16).toString('hex');
  const jira = new JiraFake();
  const slack = new SlackFake();
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startRecipeScenario('e2e', { intercom: { clientSecret: secret }, jira, slack }, ['urgent-to-jira']);
  });
  afterAll(() => engine?.stop());

  const notification = (tag: string) =>
    intercomNotification('conversation_part.tag.created', {
      type: 'conversation',
      id: '147',
      source: { subject: 'Where is my order?', author: { type: 'user', email: 'ada@example.com' } },
      tags_added: { type: 'tag.list', tags: [{ type: 'tag', id: '1', name: tag }] },
    });
  const post = (body: string, key = secret) => postIntercomWebhook(engine.api.url, 'intercom-main', body, key);

  it('creates exactly one Jira issue and posts its key to Slack', async () => {
    expect(await resultOfOnlyRun(engine, await post(notification('urgent')))).toMatchObject({ status: 'succeeded' });
    const creates = jira.received('POST', '/rest/api/3/issue');
    expect(creates).toHaveLength(1);
    expect((creates[0]!.body as { fields: { summary: string; labels: string[] } }).fields).toMatchObject({ summary: 'Urgent: Where is my order?', labels: ['intercom', 'urgent', expect.stringMatching(/^switchyard-[0-9a-f]{32}$/)] });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.text).toContain('SUP-1');
  });

  it('a bad signature starts nothing; another tag matches no recipe', async () => {
    const before = jira.requests.length;
    expect((await post(notification('urgent'), 'wrong-secret')).status).toBe(401);
    const other = await post(notification('billing'));
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ matched: 0 });
    expect(jira.requests.length).toBe(before);
  });
});
